"""Two first votes of the same person on an article at the same moment (a double click, two tabs),
on real PostgreSQL with two connections: one vote counts, neither request fails."""

import pytest

from service_desk import services
from service_desk.models import ArticleVote
from tests.concurrency import run_at_once
from tests.factories.accounts import customer
from tests.factories.service_desk import KnowledgeArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 15


def vote_at_once(article, user, helpful: tuple[bool, bool]) -> list[Exception]:
    """Both votes start together, each in its own thread and connection; returns what failed."""
    _, errors = run_at_once(
        [
            lambda value=value: services.article_vote(article=article, user=user, helpful=value)
            for value in helpful
        ],
        timeout=30,
    )
    return errors


def test_concurrent_first_votes_of_one_user_count_once():
    # Given a reader and articles they never voted on
    reader = customer(username="double_clicker")
    articles = KnowledgeArticleFactory.create_batch(ROUNDS)

    # When the same first vote arrives twice at the same moment, article after article
    errors = [
        error for article in articles for error in vote_at_once(article, reader, (True, True))
    ]

    # Then no request failed on the unique constraint, and each article counts one vote
    assert errors == []
    for article in articles:
        article.refresh_from_db()
        assert (article.helpful_count, article.not_helpful_count) == (1, 0)
        assert ArticleVote.objects.filter(article=article, user=reader).count() == 1


def test_concurrent_opposite_first_votes_leave_the_counters_true():
    # Given a reader who clicks "helpful" in one tab and "not helpful" in another
    reader = customer(username="two_tabs")
    articles = KnowledgeArticleFactory.create_batch(ROUNDS)

    # When both first votes arrive at the same moment
    errors = [
        error for article in articles for error in vote_at_once(article, reader, (True, False))
    ]

    # Then one vote is kept (whichever came last) and the counters say exactly that
    assert errors == []
    for article in articles:
        article.refresh_from_db()
        vote = ArticleVote.objects.get(article=article, user=reader)
        assert (article.helpful_count, article.not_helpful_count) == (
            (1, 0) if vote.helpful else (0, 1)
        )
