"""What the post page knows of its viewer (voted, following, flagged) costs the same whatever
the post's number of votes, follows and flags."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import selectors
from community.models import Flag, Follow, Vote
from tests.factories.accounts import customer
from tests.factories.community import FlagFactory, PostFactory

pytestmark = pytest.mark.django_db

CROWD = 30


def _crowded_post(product):
    """A post that CROWD other people voted for, follow and flagged."""
    post = PostFactory(product=product)
    crowd = [customer() for _ in range(CROWD)]
    Vote.objects.bulk_create(Vote(user=user, post=post) for user in crowd)
    Follow.objects.bulk_create(Follow(user=user, post=post) for user in crowd)
    Flag.objects.bulk_create(
        Flag(reporter=user, post=post, reason=Flag.Reason.SPAM) for user in crowd
    )
    return post


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def test_the_viewers_state_is_right_on_a_crowded_post(product):
    post = _crowded_post(product)
    voter, follower, reporter, stranger = customer(), customer(), customer(), customer()
    Vote.objects.create(user=voter, post=post)
    Follow.objects.create(user=follower, post=post)
    FlagFactory(reporter=reporter, post=post)

    assert selectors.viewer_state(post, voter) == selectors.ViewerState(voted=True)
    assert selectors.viewer_state(post, follower) == selectors.ViewerState(following=True)
    assert selectors.viewer_state(post, reporter) == selectors.ViewerState(flagged=True)
    assert selectors.viewer_state(post, stranger) == selectors.ViewerState()


def test_the_viewer_is_looked_up_in_each_relation_without_joining_them(product):
    # given a post with CROWD votes, follows and flags
    post = _crowded_post(product)
    viewer = customer()
    Vote.objects.create(user=viewer, post=post)

    # when the viewer's state is read
    with CaptureQueriesContext(connection) as captured:
        state = selectors.viewer_state(post, viewer)

    # then it is one query with one subquery per relation, each filtered by the viewer, and no
    # join (a join of votes × follows × flags read CROWD³ rows before filtering by the viewer)
    assert state == selectors.ViewerState(voted=True)
    assert len(captured) == 1
    sql = captured[0]["sql"]
    assert "JOIN" not in sql.upper()
    assert sql.upper().count("EXISTS") == 3
    # and no step of the plan, as run, produces more than one row
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    assert max(node["Actual Rows"] for node in _plan_nodes(plan)) <= 1


def test_an_anonymous_viewer_costs_no_query(product, django_assert_num_queries):
    post = PostFactory(product=product)
    with django_assert_num_queries(0):
        assert selectors.viewer_state(post, None) == selectors.ViewerState()
