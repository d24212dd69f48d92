"""The surfacing job: what it queues, whom it tells (once), and what it rescores."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from cocreate.notifications.models import Notification
from community.models import Post
from community.services import vote_cast
from designers import surfacing
from designers.models import JobState, ReviewItem
from tests.factories.accounts import UserFactory, designer
from tests.factories.community import PostFactory
from tests.factories.designers import ProductTeamFactory, ReviewItemFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


def _votes(post, count):
    for _ in range(count):
        vote_cast(user=UserFactory(), post=post)


def test_a_post_past_the_milestone_is_queued_with_why(surfacing_settings):
    post = PostFactory(kind=Post.Kind.MODIFICATION)
    _votes(post, 3)
    TicketFactory(product=post.product, linked_post=post)
    quiet = PostFactory(product=post.product)
    _votes(quiet, 2)

    result = surfacing.surface_popular()

    assert result.ran and result.surfaced == 1
    item = ReviewItem.objects.get()
    assert item.post == post and item.product == post.product
    assert item.reasons == [{"code": "milestone", "milestone": 3, "votes": 3}]
    assert (item.vote_count, item.verified_vote_count, item.linked_ticket_count) == (3, 0, 1)
    assert item.support == 3 * 1 + 1 * 4  # three votes and a linked ticket, not decayed
    assert item.score > 0


def test_threshold_and_top_n(surfacing_settings):
    surfacing_settings.DESIGNERS_SURFACE_MILESTONES = (10_000,)
    surfacing_settings.DESIGNERS_SURFACE_THRESHOLD = 3.5
    hot = PostFactory()
    _votes(hot, 3)  # 1 (post) + 3 votes = 4 points now
    warm = PostFactory(product=hot.product)
    _votes(warm, 1)

    surfacing.surface_popular()
    ((post_id, reasons),) = ReviewItem.objects.values_list("post_id", "reasons")
    assert post_id == hot.pk
    assert reasons == [{"code": "threshold", "points": pytest.approx(4, abs=0.1), "threshold": 3.5}]

    surfacing_settings.DESIGNERS_SURFACE_TOP_N = 2
    surfacing.surface_popular()
    # The hot one ranks first and has its item already: the warm one is #2 of 2.
    assert ReviewItem.objects.get(post=warm).reasons == [{"code": "top_n", "rank": 2, "top_n": 2}]


def test_only_open_suggestions_and_modifications_are_queued(surfacing_settings):
    for kind in (Post.Kind.FEEDBACK, Post.Kind.QUESTION):
        _votes(PostFactory(kind=kind), 3)
    _votes(PostFactory(status=Post.Status.DECLINED), 3)
    _votes(PostFactory(is_hidden=True, hidden_reason="moderator"), 0)

    assert surfacing.surface_popular().surfaced == 0
    assert not ReviewItem.objects.exists()


def test_designers_of_the_product_are_notified_once(surfacing_settings):
    post = PostFactory()
    team = ProductTeamFactory(product=post.product).user
    outsider = designer()
    _votes(post, 3)

    surfacing.surface_popular()
    _votes(post, 2)
    surfacing.surface_popular()
    surfacing.surface_popular()

    notes = Notification.objects.filter(kind="designers.surfaced")
    assert list(notes.values_list("recipient_id", flat=True)) == [team.pk]
    assert outsider.pk not in notes.values_list("recipient_id", flat=True)
    assert ReviewItem.objects.get().notified_at is not None


def test_without_a_team_every_designer_is_notified(surfacing_settings):
    first, second = designer(), designer()
    _votes(PostFactory(), 3)
    surfacing.surface_popular()
    assert set(
        Notification.objects.filter(kind="designers.surfaced").values_list(
            "recipient_id", flat=True
        )
    ) == {first.pk, second.pk}


def test_incremental_run_rescores_only_posts_with_new_activity(surfacing_settings):
    idle, active = PostFactory(), PostFactory()
    first = surfacing.surface_popular()
    assert first.rescored == 2
    # Make the previous run old enough that the overlap does not cover the posts' creation.
    JobState.objects.update(last_started_at=timezone.now() + timedelta(minutes=10))
    Post.objects.update(last_activity_at=timezone.now() - timedelta(hours=1))
    idle_scored_at = Post.objects.get(pk=idle.pk).score_updated_at

    vote_cast(user=UserFactory(), post=active)
    Post.objects.filter(pk=active.pk).update(
        last_activity_at=timezone.now() + timedelta(minutes=10)
    )
    second = surfacing.surface_popular()

    assert second.rescored == 1
    assert Post.objects.get(pk=idle.pk).score_updated_at == idle_scored_at
    active.refresh_from_db()
    assert active.score_updated_at > idle_scored_at


def test_a_newly_linked_ticket_rescores_its_post(surfacing_settings):
    post = PostFactory()
    surfacing.surface_popular()
    before = Post.objects.get(pk=post.pk).trending_score
    JobState.objects.update(last_started_at=timezone.now() - timedelta(minutes=1))
    Post.objects.update(last_activity_at=timezone.now() - timedelta(hours=1))
    TicketFactory(product=post.product, linked_post=post)

    assert surfacing.surface_popular().rescored == 1
    assert Post.objects.get(pk=post.pk).trending_score > before


def test_a_run_killed_before_notifying_is_repaired_by_the_next(surfacing_settings, monkeypatch):
    team = ProductTeamFactory().user
    post = PostFactory(product=team.design_assignments.get().product)
    _votes(post, 3)

    def crash(**_kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(surfacing, "review_item_notify", crash)  # killed as it starts notifying
    with pytest.raises(RuntimeError):
        surfacing.surface_popular()
    assert ReviewItem.objects.get().notified_at is None
    assert JobState.objects.get().last_started_at is None  # the cursor did not move
    monkeypatch.undo()

    result = surfacing.surface_popular()

    assert result.surfaced == 0 and result.notified == 1
    assert Notification.objects.filter(kind="designers.surfaced", recipient=team).count() == 1
    assert ReviewItem.objects.get().notified_at is not None


def test_a_run_that_finds_the_lock_taken_does_nothing(surfacing_settings):
    _votes(PostFactory(), 3)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [surfacing.LOCK_KEY])
            assert surfacing.surface_popular().ran is False
            cursor.execute("SELECT pg_advisory_unlock(%s)", [surfacing.LOCK_KEY])
    finally:
        other.close()
    assert not ReviewItem.objects.exists()
    assert surfacing.surface_popular().surfaced == 1


def test_management_command(surfacing_settings, capsys):
    _votes(PostFactory(), 3)
    call_command("surface_popular")
    assert "surfaced 1" in capsys.readouterr().out
    assert ReviewItem.objects.count() == 1


def test_each_designer_is_told_in_their_own_language(surfacing_settings):
    post = PostFactory(title="Quieter fan")
    english = ProductTeamFactory(product=post.product).user
    chinese = ProductTeamFactory(product=post.product, user__language="zh-hans").user
    _votes(post, 3)

    surfacing.surface_popular()

    notes = Notification.objects.filter(kind="designers.surfaced")
    mine, theirs = notes.get(recipient=english), notes.get(recipient=chinese)
    assert mine.title == "Surfaced for review: Quieter fan"
    assert mine.body == "3 votes, 0 of verified owners; Reached 3 supporters."
    assert theirs.title == "新的评审项：Quieter fan"
    assert theirs.body == "3票，其中认证用户0票；达到3位支持者。"


def test_items_of_hidden_or_deleted_posts_are_not_announced(surfacing_settings):
    # Given items surfaced by a run that died before announcing them, whose posts a moderator
    # then hid and an author deleted
    team = ProductTeamFactory().user
    product = team.design_assignments.get().product
    hidden, deleted = PostFactory(product=product), PostFactory(product=product)
    hidden_item = ReviewItemFactory(post=hidden)
    ReviewItemFactory(post=deleted)
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="moderator")
    Post.objects.filter(pk=deleted.pk).update(is_deleted=True)

    # When the job runs, then no designer hears of them
    assert surfacing.surface_popular().notified == 0
    assert not Notification.objects.filter(kind="designers.surfaced").exists()
    assert not ReviewItem.objects.filter(notified_at__isnull=False).exists()

    # When the moderator shows the post again, then the next run announces it, once
    Post.objects.filter(pk=hidden.pk).update(is_hidden=False, hidden_reason="")
    assert surfacing.surface_popular().notified == 1
    assert surfacing.surface_popular().notified == 0
    notes = Notification.objects.filter(kind="designers.surfaced")
    assert list(notes.values_list("recipient_id", "dedupe_key")) == [
        (team.pk, f"designers.surfaced:{hidden_item.pk}")
    ]


def test_announcing_one_item_skips_a_post_hidden_meanwhile(surfacing_settings):
    ProductTeamFactory()
    item = ReviewItemFactory(post__is_hidden=True, post__hidden_reason="flags")
    assert surfacing.review_item_notify(item=item) == 0
    item.refresh_from_db()
    assert item.notified_at is None
