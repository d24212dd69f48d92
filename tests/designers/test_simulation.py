"""`manage.py simulate_surfacing`: the replay of a known tiny history through the surfacing
rules, and the table it prints."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from cocreate.core.clock import clock_at
from community.models import Post, StatusChange
from community.services import vote_cast
from designers import simulation
from designers.scoring import Weights, rescore_posts
from tests.factories.accounts import UserFactory
from tests.factories.community import CommentFactory, PostFactory
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@pytest.fixture
def tiny(settings):
    """One product, four ideas, under a 72-hour half-life:

    A, posted at T0, two verified owners' votes at +1 h and +2 h: 7 points, over a threshold of
      5 at +2 h, with 2 votes;
    B, posted a day later, one vote: never over the threshold, never first of its product (A
      stays above it);
    C, posted two days later, three votes at +1, +2 and +3 h: 3 votes at +3 h, about 4 points;
    D, posted three days later, declined an hour later, then a comment, a hidden one and a
      linked ticket: they count in its score, but it is no longer a candidate.
    """
    settings.DESIGNERS_SCORE_HALF_LIFE_HOURS = 72.0
    product = ProductFactory(name="Tiny")

    def at(moment, make):
        with clock_at(moment):
            return make()

    a = at(T0, lambda: PostFactory(product=product, title="A"))
    for hours in (1, 2):
        owner = UserFactory()
        RegistrationFactory(customer=owner, product=product)
        at(T0 + hours * HOUR, lambda owner=owner: vote_cast(user=owner, post=a))
    b = at(T0 + DAY, lambda: PostFactory(product=product, title="B"))
    at(T0 + DAY + HOUR, lambda: vote_cast(user=UserFactory(), post=b))
    c = at(T0 + 2 * DAY, lambda: PostFactory(product=product, title="C"))
    for hours in (1, 2, 3):
        at(T0 + 2 * DAY + hours * HOUR, lambda: vote_cast(user=UserFactory(), post=c))
    d = at(T0 + 3 * DAY, lambda: PostFactory(product=product, title="D"))
    at(
        T0 + 3 * DAY + HOUR,
        lambda: StatusChange.objects.create(
            post=d, old_status=Post.Status.OPEN, new_status=Post.Status.DECLINED
        ),
    )
    Post.objects.filter(pk=d.pk).update(status=Post.Status.DECLINED)
    at(T0 + 3 * DAY + 2 * HOUR, lambda: CommentFactory(post=d))
    at(T0 + 3 * DAY + 2 * HOUR, lambda: CommentFactory(post=d, is_hidden=True))
    at(T0 + 3 * DAY + 3 * HOUR, lambda: TicketFactory(product=product, linked_post=d))
    PostFactory(product=product, kind=Post.Kind.QUESTION)  # not a candidate: left out
    return a, b, c


def _rows(top_ns):
    history = simulation.load_history(until=T0 + 14 * DAY)
    return history, simulation.simulate(
        history,
        half_lives=[72],
        thresholds=[5],
        top_ns=top_ns,
        milestone_sets=[(3,)],
        since=T0,
        until=T0 + 14 * DAY,
        strong=3,
        step=HOUR,
    )


def test_the_history_holds_the_candidates_and_their_activity(tiny):
    history, _rows_ = _rows([0])
    assert history.post_count == 4
    kinds = sorted(kind for _when, _i, kind in history.events)
    # 4 posts, 2 verified votes, 4 other votes, 1 visible comment, 1 linked ticket
    assert kinds == ["comment", *["post"] * 4, "ticket", *["verified"] * 2, *["vote"] * 4]


def test_the_replay_scores_as_the_job_does(tiny, settings):
    history, _rows_ = _rows([0])
    found = simulation._replay(
        history,
        half_life_hours=72,
        thresholds=[5],
        top_ns=[1],
        first_milestones=[3],
        strong=set(),
        until=(T0 + 14 * DAY).timestamp(),
        step=3600,
        weights=Weights.from_settings(),
    )
    rescore_posts(history.post_ids)
    weights = Weights.from_settings()
    offset = weights.age(datetime.fromtimestamp(history.first, UTC))
    stored = dict(Post.objects.filter(pk__in=history.post_ids).values_list("pk", "trending_score"))
    for i, pk in enumerate(history.post_ids):
        assert found.scores[i] + offset == pytest.approx(stored[pk], abs=1e-9)


def test_what_surfaces_when_and_why(tiny):
    a, _b, c = tiny
    _history, (without_top, with_top) = _rows([0, 1])

    # Without a top N: A by the threshold (at +2 h, 2 votes), C by the milestone (3 votes).
    assert without_top.surfaced == 2
    assert without_top.by_reason == {"threshold": 1, "top_n": 0, "milestone": 1}
    assert without_top.supporters_median == 2.5 and without_top.few_supporters == 1.0
    # Two weeks of one product: 2 in the first week, none in the second.
    assert (without_top.weeks, without_top.products) == (2, 1)
    assert without_top.per_week_mean == 1.0 and without_top.per_week_max == 2
    assert without_top.products_without == 0
    # The one strong idea (3 supporters) is C: it surfaced 3 hours after it was posted, was
    # never over the threshold, and no milestone was crossed after surfacing.
    assert (without_top.strong, without_top.never) == (1, 0)
    assert without_top.days_to_surface == pytest.approx(3 / 24)
    assert without_top.days_above_threshold == 0.0
    assert without_top.milestones_per_week == 0.0

    # With the top 1: A is first of its product from its first run (+1 h), and stays first.
    assert with_top.by_reason == {"threshold": 0, "top_n": 1, "milestone": 1}
    assert with_top.days_in_top_n == 0.0  # C is never first


def test_the_command_prints_the_table(tiny):
    out = io.StringIO()
    call_command(
        "simulate_surfacing",
        "--half-life=72",
        "--threshold=5,50",
        "--top-n=0,1",
        "--milestones=3",
        "--strong=3",
        f"--since={T0:%Y-%m-%d}",
        f"--until={(T0 + 14 * DAY):%Y-%m-%d}",
        stdout=out,
    )
    text = out.getvalue()
    assert text.startswith("Replayed 4 suggestions and modifications (12 events) over 1 products")
    lines = [line for line in text.splitlines() if line.startswith("|")]
    assert lines[0] == simulation.HEADER
    assert len(lines) == 2 + 4  # header, separator, one row per (threshold, top N)
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert [row[:5] for row in cells] == [
        ["72", "5", "0", "3", "2"],
        ["72", "5", "1", "3", "2"],
        ["72", "50", "0", "3", "1"],  # C only, by the milestone
        ["72", "50", "1", "3", "2"],
    ]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    first = dict(zip(header, cells[0], strict=True))
    assert first["per product-week: mean"] == "1.00" and first["max"] == "2"
    assert first["first reason: threshold / top N / milestone"] == "1 / 0 / 1"
    assert first["strong ideas"] == "1" and first["never surfaced"] == "0"
    assert first["median days in top N"] == "–"


@pytest.mark.parametrize(
    "argument", ["--half-life=0", "--threshold=x", "--top-n=-1", "--since=yesterday"]
)
def test_bad_options_are_refused(tiny, argument):
    with pytest.raises(CommandError):
        call_command("simulate_surfacing", argument, stdout=io.StringIO())
