"""Denormalised data of the service desk (`manage.py check_consistency`): the knowledge-base
articles' vote tallies. Ticket numbers and search vectors are generated columns."""

from cocreate.core.denormalised import Check

from .models import ArticleVote, KnowledgeArticle

ARTICLE = KnowledgeArticle._meta.db_table


def _votes(helpful: bool) -> str:
    return f"""
        SELECT a.id, count(v.id) AS expected
        FROM {ARTICLE} a
        LEFT JOIN {ArticleVote._meta.db_table} v ON v.article_id = a.id AND v.helpful = {helpful}
        GROUP BY a.id
    """


CHECKS = [
    Check("service_desk.KnowledgeArticle", ARTICLE, "helpful_count", _votes(True)),
    Check("service_desk.KnowledgeArticle", ARTICLE, "not_helpful_count", _votes(False)),
]
