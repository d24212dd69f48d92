"""The review queue's orders and what each row says: support by default (a month-old idea many
people back comes before this week's one-vote posts), trending, newest, waiting longest; why each
item surfaced, with its figures; the parts of its support."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from cocreate.core.clock import clock_at
from community.models import Post
from community.services import comment_create, vote_cast
from designers import surfacing
from designers.models import ReviewItem
from designers.reasons import reason_text
from designers.selectors import QueueFilters, QueueSort, review_queue
from tests.factories.accounts import UserFactory, designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_month_and_this_week(settings):
    """The issue's case, under the old 72-hour half-life: an idea 27 people voted for a month
    ago (5 of them verified owners), queued then, and two posts of this week with one vote
    each, queued now."""
    settings.DESIGNERS_SCORE_HALF_LIFE_HOURS = 72.0
    settings.DESIGNERS_SURFACE_THRESHOLD = 1.0
    settings.DESIGNERS_SURFACE_TOP_N = 0
    settings.DESIGNERS_SURFACE_MILESTONES = (20, 50)
    product = ProductFactory(name="Aurora 3")
    month_ago = timezone.now() - timedelta(days=30)
    with clock_at(month_ago):
        idea = PostFactory(product=product, title="Swappable battery")
        for index in range(27):
            voter = UserFactory()
            if index < 5:
                RegistrationFactory(customer=voter, product=product)
            vote_cast(user=voter, post=idea)
        comment_create(post=idea, author=UserFactory(), body="Yes, please.")
    surfacing.surface_popular()
    ReviewItem.objects.filter(post=idea).update(surfaced_at=month_ago)
    for title in ("Darker theme", "Louder alarm"):
        with clock_at(timezone.now() - timedelta(days=2)):
            post = PostFactory(product=product, title=title)
            vote_cast(user=UserFactory(), post=post)
    surfacing.surface_popular()
    ReviewItem.objects.filter(post__title="Darker theme").update(
        surfaced_at=timezone.now() - timedelta(hours=1)
    )
    items = {item.post.title: item for item in ReviewItem.objects.select_related("post")}
    return items["Swappable battery"], items["Darker theme"], items["Louder alarm"]


def _titles(sort: str = "") -> list[str]:
    return [item.post.title for item in review_queue(QueueFilters(sort=sort or "support"))]


def test_support_ranks_a_month_old_well_supported_idea_above_this_weeks_one_vote_posts(
    last_month_and_this_week,
):
    idea, darker, louder = last_month_and_this_week

    # 22 votes × 1 + 5 of verified owners × 3 + 1 commenter × 0.5, not decayed
    assert (idea.vote_count, idea.verified_vote_count, idea.commenter_count) == (27, 5, 1)
    assert idea.support == pytest.approx(22 + 15 + 0.5)
    assert darker.support == louder.support == 1.0
    assert idea.current_points() < 0.05 < darker.current_points()

    assert _titles()[0] == "Swappable battery"
    assert _titles(QueueSort.TRENDING)[-1] == "Swappable battery"
    # Newest surfaced first; waiting longest: the oldest first.
    assert _titles(QueueSort.NEWEST) == ["Louder alarm", "Darker theme", "Swappable battery"]
    assert _titles(QueueSort.WAITING) == ["Swappable battery", "Darker theme", "Louder alarm"]


def test_waiting_longest_puts_decided_items_last():
    old = ReviewItemFactory()
    decided = ReviewItemFactory(state=ReviewItem.State.DECIDED, decision="planned")
    new = ReviewItemFactory()
    ReviewItem.objects.filter(pk=decided.pk).update(surfaced_at=timezone.now() - timedelta(days=90))
    ReviewItem.objects.filter(pk=old.pk).update(surfaced_at=timezone.now() - timedelta(days=9))

    assert [item.pk for item in review_queue(QueueFilters(sort=QueueSort.WAITING))] == [
        old.pk,
        new.pk,
        decided.pk,
    ]


def test_each_reason_says_why_with_the_figures_of_the_day(last_month_and_this_week):
    idea, darker, _louder = last_month_and_this_week

    with translation.override("en"):
        assert idea.why() == [("milestone", "Reached 20 supporters (27 when it surfaced)")]
        ((code, sentence),) = darker.why()
    assert code == "threshold"
    points = darker.reasons[0]["points"]
    assert sentence == f"{points:.1f} trending points when it surfaced, over the threshold of 1"


@pytest.mark.parametrize(
    ("reason", "english", "chinese"),
    [
        (
            {"code": "threshold", "points": 31.24, "threshold": 25.0},
            "31.2 trending points when it surfaced, over the threshold of 25",
            "推送时热度分31.2，超过阈值25",
        ),
        (
            {"code": "top_n", "rank": 2, "top_n": 3},
            "#2 of Aurora 3's open ideas by trending points when it surfaced (the top 3 surface)",
            "推送时在Aurora 3的开放创意中热度排名第2（前3名推送给设计师）",
        ),
        (
            {"code": "milestone", "milestone": 1000, "votes": 1204},
            "Reached 1,000 supporters (1,204 when it surfaced)",
            "达到1000位支持者（推送时1204位）",
        ),
        # Items surfaced before the figures were recorded say only what is known.
        (
            {"code": "threshold", "points": 40.0},
            "40 trending points when it surfaced, over the threshold then",
            "推送时热度分40，超过当时的阈值",
        ),
        (
            {"code": "top_n"},
            "Among Aurora 3's top open ideas by trending points when it surfaced",
            "推送时位列Aurora 3热度最高的开放创意",
        ),
        (
            {"code": "milestone", "votes": 61},
            "Reached a supporters milestone (61 supporters when it surfaced)",
            "达到支持者里程碑（推送时61位支持者）",
        ),
    ],
)
def test_reason_sentences_in_english_and_chinese(reason, english, chinese):
    with translation.override("en"):
        assert reason_text(reason, product="Aurora 3") == english
    with translation.override("zh-hans"):
        assert reason_text(reason, product="Aurora 3") == chinese


def test_the_page_sorts_keeps_filters_and_never_shows_a_bare_zero(client, last_month_and_this_week):
    idea, _darker, _louder = last_month_and_this_week
    client.force_login(designer())

    response = client.get(reverse("designers:queue"))
    html = response.content.decode()

    rows = response.context["page"].object_list
    assert [item.post.title for item in rows][0] == "Swappable battery"
    assert response.context["form"]["sort"].value() in ("", None, "support")
    # The month-old idea's trending points are near zero: it reads "Quiet", never "0.0".
    assert ">0.0<" not in html and "Quiet" in html
    assert "Reached 20 supporters (27 when it surfaced)" in html
    # Its support's parts, in a <details> under the number.
    assert "<summary><strong>37.5</strong>" in html
    assert "22 votes" in html and "5 votes of verified owners" in html
    assert "1 commenter" in html and "0 linked tickets" in html
    assert 'aria-sort="descending"' in html

    # Sorted by trending, filtered by product: the sort control keeps the filter and the order.
    response = client.get(
        reverse("designers:queue"), {"sort": "trending", "product": idea.product.slug}
    )
    assert [item.post.title for item in response.context["page"].object_list][-1] == (
        "Swappable battery"
    )
    html = response.content.decode()
    assert '<option value="trending" selected>' in html
    assert f'<option value="{idea.product.slug}" selected>' in html


def test_the_page_falls_back_to_support_on_an_unknown_sort(client):
    low, high = ReviewItemFactory(support=2), ReviewItemFactory(support=9)
    client.force_login(designer())
    response = client.get(reverse("designers:queue"), {"sort": "sideways"})
    assert response.status_code == 200
    assert [item.pk for item in response.context["page"].object_list] == [high.pk, low.pk]
    assert "sideways" in response.content.decode()  # the form says which choice is unknown


def _api(params=None):
    client = APIClient()
    client.force_authenticate(designer())
    return client.get("/api/v1/review-queue/", params or {})


def test_the_api_sorts_and_says_why(last_month_and_this_week):
    idea, darker, louder = last_month_and_this_week

    rows = _api().json()["results"]
    assert [row["title"] for row in rows][0] == "Swappable battery"
    first = rows[0]
    assert first["support"] == pytest.approx(37.5)
    assert (first["vote_count"], first["verified_vote_count"], first["commenter_count"]) == (
        27,
        5,
        1,
    )
    assert first["reasons"] == ["milestone"]
    assert first["why"] == [
        {
            "code": "milestone",
            "milestone": 20,
            "votes": 27,
            "text": "Reached 20 supporters (27 when it surfaced)",
        }
    ]
    assert first["milestone"] == 20

    by_trending = _api({"sort": "trending"}).json()["results"]
    assert by_trending[-1]["title"] == "Swappable battery"
    newest = _api({"sort": "newest"}).json()["results"]
    assert [row["id"] for row in newest] == [louder.pk, darker.pk, idea.pk]
    waiting = _api({"sort": "waiting"}).json()["results"]
    assert waiting[0]["id"] == idea.pk


@pytest.mark.parametrize("sort", ["sideways", "-support", "SUPPORT"])
def test_an_unknown_sort_is_a_400(sort):
    response = _api({"sort": sort})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "sort" in body["errors"]


def test_the_schema_lists_the_sorts():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    (parameter,) = [
        p
        for p in schema["paths"]["/api/v1/review-queue/"]["get"]["parameters"]
        if p["name"] == "sort"
    ]
    assert set(parameter["schema"]["enum"]) - {""} == {"support", "trending", "newest", "waiting"}


def _queue_of(count):
    for index in range(count):
        item = ReviewItemFactory(
            assignee=designer(),
            support=index,
            post__kind=Post.Kind.MODIFICATION if index % 2 else Post.Kind.SUGGESTION,
            reasons=[
                {"code": "threshold", "points": 30.0, "threshold": 25},
                {"code": "top_n", "rank": 1, "top_n": 3},
                {"code": "milestone", "milestone": 50, "votes": 52},
            ],
        )
        TicketFactory(product=item.product, linked_post=item.post)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("sort", ["support", "trending", "newest", "waiting"])
def test_the_queue_page_reads_a_fixed_number_of_rows(
    client, django_assert_num_queries, count, sort
):
    _queue_of(count)
    client.force_login(designer())
    url = reverse("designers:queue")
    client.get(url, {"sort": sort})
    # user, product choices, counts, page count, page rows, unread notices (the session and the
    # groups come from the cache)
    with django_assert_num_queries(6):
        response = client.get(url, {"sort": sort})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_queue_reads_a_fixed_number_of_rows(django_assert_num_queries, count):
    _queue_of(count)
    client = APIClient()
    client.force_authenticate(designer())
    with django_assert_num_queries(3):  # groups (role), count, page
        assert client.get("/api/v1/review-queue/", {"sort": "waiting"}).status_code == 200
