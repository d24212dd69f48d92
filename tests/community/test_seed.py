"""The demo seed: several hundred consistent posts, idempotent, tolerant of missing products."""

import io

import pytest
from django.db.models import Count, F, Sum

from cocreate.accounts.seed import seed as seed_accounts
from community.models import Post, ReputationEvent, Vote
from community.seed import seed as seed_community
from products.seed import seed as seed_products

pytestmark = pytest.mark.django_db


def test_seed_creates_consistent_communities_and_is_idempotent():
    out = io.StringIO()
    seed_accounts(out)
    seed_products(out)

    seed_community(out)
    first = Post.objects.count()
    seed_community(out)

    assert first >= 300 and Post.objects.count() == first
    chinese = Post.objects.filter(language="zh-hans")
    assert chinese.count() == 3 and chinese.filter(author__username="li").exists()
    assert Post.objects.filter(kind=Post.Kind.MODIFICATION, parts__isnull=False).exists()
    mismatched = Post.objects.annotate(
        votes_n=Count("votes", distinct=True), comments_n=Count("comments", distinct=True)
    ).exclude(vote_count=F("votes_n"), comment_count=F("comments_n"))
    assert not mismatched.exists()
    total = ReputationEvent.objects.aggregate(total=Sum("points"))["total"]
    assert total == 2 * Vote.objects.count()


def test_seed_without_products_does_nothing():
    out = io.StringIO()
    seed_community(out)
    assert not Post.objects.exists()
    assert "no products" in out.getvalue()
