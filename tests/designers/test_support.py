"""A review item's support: counted when it surfaces, kept current by the surfacing job's
rescore step, checked by `check_consistency`; milestones reached later are recorded; items
queued before support existed are migrated and recounted."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from cocreate.core.management.commands.check_consistency import all_checks
from community.models import Post
from community.services import comment_create, vote_cast, vote_withdraw
from designers import surfacing
from designers.models import JobState, ReviewItem
from tests.factories.accounts import UserFactory, agent
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.products import RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


def _differences():
    return [
        (difference.model, difference.id, difference.field)
        for check in all_checks()
        for difference in check.differences()
        if difference.model == "designers.ReviewItem"
    ]


def _later():
    """Let the next run see the activity in between as new (past the overlap)."""
    JobState.objects.update(last_started_at=timezone.now() - timedelta(minutes=1))
    Post.objects.update(last_activity_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def surfaced(surfacing_settings):
    surfacing_settings.DESIGNERS_SURFACE_MILESTONES = (3, 5, 10)
    post = PostFactory()
    for _ in range(3):
        vote_cast(user=UserFactory(), post=post)
    surfacing.surface_popular()
    return ReviewItem.objects.get(post=post)


def test_activity_after_surfacing_is_counted_by_the_next_run(surfaced):
    post = surfaced.post
    owner = UserFactory()
    RegistrationFactory(customer=owner, product=post.product)
    _later()
    vote_cast(user=owner, post=post)
    vote_cast(user=UserFactory(), post=post)
    talker = UserFactory()
    comment_create(post=post, author=talker, body="Yes.")
    comment_create(post=post, author=talker, body="Still yes.")  # one commenter
    comment_create(post=post, author=post.author, body="Thanks!")  # the author is no commenter
    comment_create(post=post, author=agent(), body="Noted.")  # nor is the team
    TicketFactory(product=post.product, linked_post=post)

    surfacing.surface_popular()

    item = ReviewItem.objects.get(pk=surfaced.pk)
    assert (item.vote_count, item.verified_vote_count, item.commenter_count) == (5, 1, 1)
    assert item.linked_ticket_count == 1
    assert item.support == 4 * 1 + 1 * 3 + 1 * 0.5 + 1 * 4
    # 5 votes: the milestone of 5 was reached after it surfaced (at 3), and is recorded.
    assert item.milestone == 5 and item.milestone_at > item.surfaced_at
    assert item.later_milestone().startswith("Since reached 5 supporters (")
    assert _differences() == []


def test_a_withdrawn_vote_is_counted_by_the_next_run_and_the_milestone_stays(surfaced):
    voter = UserFactory()
    vote_cast(user=voter, post=surfaced.post)
    vote_cast(user=UserFactory(), post=surfaced.post)
    surfacing.surface_popular()
    assert ReviewItem.objects.get(pk=surfaced.pk).milestone == 5
    _later()
    vote_withdraw(user=voter, post=surfaced.post)  # does not move the post's last activity

    surfacing.surface_popular()

    item = ReviewItem.objects.get(pk=surfaced.pk)
    assert item.vote_count == 4 and item.support == 4
    assert item.milestone == 5  # reached once, still reached


def test_the_consistency_check_finds_a_support_that_drifted(surfaced):
    assert _differences() == []
    ReviewItem.objects.filter(pk=surfaced.pk).update(support=99, commenter_count=7)
    assert sorted(_differences()) == [
        ("designers.ReviewItem", surfaced.pk, "commenter_count"),
        ("designers.ReviewItem", surfaced.pk, "support"),
    ]


def test_items_whose_support_was_never_counted_are_counted_by_the_next_run(surfacing_settings):
    # An item surfaced before support existed (what the migration leaves): not checked yet
    item = ReviewItemFactory(vote_count=12, support=20)
    for _ in range(2):
        vote_cast(user=UserFactory(), post=item.post)
    assert item.support_updated_at is None and _differences() == []

    surfacing.surface_popular()

    item.refresh_from_db()
    assert (item.vote_count, item.support) == (2, 2)
    assert item.support_updated_at is not None


def test_changed_scoring_settings_rescore_every_post(surfacing_settings):
    idle = PostFactory()
    surfacing.surface_popular()
    _later()
    assert surfacing.surface_popular().rescored == 0

    surfacing_settings.DESIGNERS_SCORE_HALF_LIFE_HOURS = 24.0
    assert surfacing.surface_popular().rescored == 1
    assert JobState.objects.get().scored_with.startswith("half-life 86400s")
    idle.refresh_from_db()
    assert idle.score_updated_at > timezone.now() - timedelta(minutes=1)


def test_the_migration_gives_old_items_structured_reasons_and_a_first_support():
    migration = importlib.import_module("designers.migrations.0002_review_item_support_and_reasons")
    post = PostFactory(vote_count=120)
    item = ReviewItemFactory(
        post=post,
        score=31.25,
        vote_count=60,
        verified_vote_count=10,
        linked_ticket_count=2,
        support=0,
        reasons=["threshold", "top_n", "milestone"],
    )

    migration.structured_reasons(apps, None)

    item.refresh_from_db()
    assert item.reasons == [
        {"code": "threshold", "points": 31.2},
        {"code": "top_n"},
        {"code": "milestone", "votes": 60},
    ]
    assert item.support == 50 * 1 + 10 * 3 + 2 * 4
    # The milestone its post has reached, without a day: not announced as this week's news.
    assert item.milestone == 100 and item.milestone_at is None
    assert item.support_updated_at is None  # the next surfacing run recounts it

    migration.codes_only(apps, None)
    item.refresh_from_db()
    assert item.reasons == ["threshold", "top_n", "milestone"]
