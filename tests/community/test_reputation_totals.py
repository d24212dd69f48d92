"""Each user's reputation total (UserReputation): written with every ledger line, read as one
row per author whatever the ledger holds, checked and repaired by check_consistency."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from cocreate.accounts.services import account_delete
from community import services
from community.consistency import CHECKS
from community.models import ReputationEvent, UserReputation
from community.selectors import reputation_of, reputation_totals
from tests.factories.accounts import agent, customer
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db


def ledger_sum(user) -> int:
    return ReputationEvent.objects.filter(user=user).aggregate(s=Sum("points"))["s"] or 0


def stored_total(user) -> int | None:
    return UserReputation.objects.filter(user=user).values_list("points", flat=True).first()


def totals_check():
    (check,) = [check for check in CHECKS if check.model == "community.UserReputation"]
    return check


def _ledger(authors, lines_per_author: int) -> None:
    """`lines_per_author` more ledger lines for each author, through the service."""
    for author in authors:
        post = PostFactory(author=author)
        for _ in range(lines_per_author):
            services.vote_cast(user=customer(), post=post)


def _plan(sql: str) -> list[str]:
    """The plan PostgreSQL ran `sql` with (as captured: parameters in place), with row counts."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}")
        return [row[0] for row in cursor.fetchall()]


def test_the_reputation_read_is_one_row_per_author_at_1x_and_10x_the_ledger():
    authors = [customer() for _ in range(3)]
    nobody = customer()
    ids = [author.pk for author in authors] + [nobody.pk]
    plans = []
    for lines, more in ((2, 2), (20, 18)):  # the ledger at 1x, then at 10x
        _ledger(authors, more)
        with CaptureQueriesContext(connection) as queries:
            totals = reputation_totals(ids)

        assert totals == {author.pk: 2 * lines for author in authors} | {nobody.pk: 0}
        (query,) = queries.captured_queries
        assert "community_userreputation" in query["sql"]
        assert "community_reputationevent" not in query["sql"]
        plan = _plan(query["sql"])
        assert not any("reputationevent" in line or "Aggregate" in line for line in plan)
        # one row per author with a total (the user without one has no row)
        assert plan[0].endswith("(actual rows=3 loops=1)")
        plans.append(plan)
    assert plans[0] == plans[1]


def test_reputation_of_reads_the_total_and_is_zero_without_one():
    author = customer()
    _ledger([author], 3)

    assert stored_total(author) == 6
    with CaptureQueriesContext(connection) as queries:
        assert reputation_of(author) == 6
    assert len(queries.captured_queries) == 1
    assert reputation_of(customer()) == 0


def test_votes_withdrawals_and_milestones_keep_the_total_equal_to_the_ledger():
    post = PostFactory()
    voters = [customer() for _ in range(3)]
    for voter in voters:
        services.vote_cast(user=voter, post=post)
    services.vote_cast(user=voters[0], post=post)  # a repeat adds nothing
    services.vote_withdraw(user=voters[1], post=post)
    services.vote_withdraw(user=voters[1], post=post)  # nor does a second withdrawal
    assert services.reputation_record(user=post.author, kind="idea_planned", post=post)
    assert not services.reputation_record(user=post.author, kind="idea_planned", post=post)

    assert stored_total(post.author) == 2 * 2 + 10 == ledger_sum(post.author)
    assert totals_check().differences() == []


def test_a_refused_vote_changes_no_total():
    post = PostFactory(is_locked=True)
    with pytest.raises(services.PostStateConflict):
        services.vote_cast(user=customer(), post=post)
    assert stored_total(post.author) is None


def test_a_merge_moves_points_between_the_totals(product):
    target, source = PostFactory(product=product), PostFactory(product=product)
    both = customer()
    services.vote_cast(user=both, post=target)
    for voter in [both, customer(), customer()]:
        services.vote_cast(user=voter, post=source)

    services.post_merge(source=source, target=target, moderator=agent())

    assert stored_total(source.author) == 0 == ledger_sum(source.author)
    assert stored_total(target.author) == 6 == ledger_sum(target.author)


def test_a_merge_of_two_posts_by_the_same_author_keeps_their_total(product):
    author = customer()
    target = PostFactory(author=author, product=product)
    source = PostFactory(author=author, product=product)
    for _ in range(2):
        services.vote_cast(user=customer(), post=source)

    services.post_merge(source=source, target=target, moderator=agent())

    assert stored_total(author) == 4 == ledger_sum(author)


def test_account_deletion_keeps_the_points_an_author_earned_and_gave():
    post = PostFactory()
    voter = customer()
    services.vote_cast(user=voter, post=post)
    own = PostFactory(author=voter)
    services.vote_cast(user=customer(), post=own)

    account_delete(user=voter, actor=voter)  # the tombstone keeps its ledger and its votes

    assert stored_total(post.author) == 2 == ledger_sum(post.author)
    assert stored_total(voter) == 2 == reputation_of(voter)
    assert totals_check().differences() == []


def test_check_consistency_finds_and_repairs_wrong_missing_and_stray_totals():
    wrong, missing, stray = customer(), customer(), customer()
    _ledger([wrong, missing], 2)
    UserReputation.objects.filter(user=wrong).update(points=999)
    UserReputation.objects.filter(user=missing).delete()
    UserReputation.objects.create(user=stray, points=7)
    check = totals_check()
    assert {(d.id, d.stored, d.expected) for d in check.differences()} == {
        (wrong.pk, 999, 4),
        (missing.pk, 0, 4),
        (stray.pk, 7, 0),
    }

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_consistency", stdout=out, stderr=io.StringIO())
    assert "community.UserReputation.points: 3 differ" in out.getvalue()
    call_command("check_consistency", "--fix", stdout=io.StringIO(), stderr=io.StringIO())

    assert check.differences() == []
    assert [stored_total(user) for user in (wrong, missing)] == [4, 4]
    assert reputation_of(stray) == 0


def test_the_migration_fills_the_totals_from_the_ledger():
    """Migration 0010's batches write what the service keeps (check_consistency agrees)."""
    fill = importlib.import_module("community.migrations.0010_user_reputation").fill
    authors = [customer() for _ in range(3)]
    _ledger(authors, 2)
    services.reputation_record(user=authors[0], kind="idea_adopted", post=PostFactory())
    UserReputation.objects.all().delete()
    assert len(totals_check().differences()) == 3

    with connection.schema_editor() as schema_editor:
        fill(django_apps, schema_editor)

    assert totals_check().differences() == []
    assert [stored_total(author) for author in authors] == [54, 4, 4]
