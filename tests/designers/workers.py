"""A gate that holds a surfacing run mid-way, and the popular posts these tests surface.

Shared by the designers' tests that run the surfacing job in separate worker processes
(tests/workers.py; tests/designers/test_concurrency.py, tests/designers/test_worker_killed.py).
"""

from django.db import connections

from cocreate.notifications.models import Notification
from community.models import Post, Vote
from designers.models import ReviewItem
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory
from tests.factories.designers import ProductTeamFactory
from tests.waiting import wait_until
from tests.workers import TableGate, table_locked


def popular_posts(count=3, votes=60):
    """Posts over the default threshold and milestone, with a designer team each."""
    posts = []
    voters = [UserFactory() for _ in range(votes)]
    for _ in range(count):
        post = PostFactory(kind=Post.Kind.MODIFICATION)
        ProductTeamFactory(product=post.product)
        ProductTeamFactory(product=post.product)
        Vote.objects.bulk_create(Vote(user=voter, post=post) for voter in voters)
        Post.objects.filter(pk=post.pk).update(vote_count=votes)
        posts.append(post)
    return posts


def assert_each_item_and_notice_once(posts):
    assert ReviewItem.objects.count() == len(posts)
    assert ReviewItem.objects.filter(notified_at__isnull=True).count() == 0
    notes = Notification.objects.filter(kind="designers.surfaced")
    assert notes.count() == 2 * len(posts)  # two designers per product, once each
    assert notes.values("recipient", "dedupe_key").distinct().count() == notes.count()


class NotifyGate(TableGate):
    """Another connection holding an EXCLUSIVE lock on the notifications table.

    A surfacing run that reaches its notify step waits there on its first insert, inside the
    item's transaction: it has rescored the posts and created the review items (committed),
    holds the job's advisory lock, and has notified no one."""

    def wait_for_a_run(self, timeout: float = 120) -> int:
        """The server process id of the run waiting at the gate."""
        pids = wait_until(self.blocked_backends, timeout=timeout, message="a run at the gate")
        assert len(pids) == 1, pids
        return pids[0]


def notify_gate():
    return table_locked(Notification, gate=NotifyGate)


def backend_alive(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None
