"""Denormalised data of the service desk (`manage.py check_consistency`): the knowledge-base
articles' vote tallies and the tickets' search documents. Ticket numbers and the tickets' own
search vectors are generated columns."""

from cocreate.core.denormalised import Check

from .models import ArticleVote, KnowledgeArticle, Ticket, TicketSearchDocument
from .search_document import EXPECTED, PARAMS, documents_refresh

ARTICLE = KnowledgeArticle._meta.db_table


def _votes(helpful: bool) -> str:
    return f"""
        SELECT a.id, count(v.id) AS expected
        FROM {ARTICLE} a
        LEFT JOIN {ArticleVote._meta.db_table} v ON v.article_id = a.id AND v.helpful = {helpful}
        GROUP BY a.id
    """


class SearchDocumentCheck(Check):
    """A ticket's search document against its texts; a missing document counts as stale.
    Repaired by writing the differing documents again, as the services do."""

    @property
    def fixable(self) -> bool:
        return True

    def fix(self) -> int:
        stale = [difference.id for difference in self.differences()]
        documents_refresh(stale)
        return len(stale)


CHECKS = [
    Check("service_desk.KnowledgeArticle", ARTICLE, "helpful_count", _votes(True)),
    Check("service_desk.KnowledgeArticle", ARTICLE, "not_helpful_count", _votes(False)),
    SearchDocumentCheck(
        "service_desk.TicketSearchDocument",
        TicketSearchDocument._meta.db_table,
        "document",
        # Compared (and listed) by their digests: a document is long.
        lambda: (f"SELECT id, md5(expected::text) AS expected FROM ({EXPECTED}) e", PARAMS),
        stored=f"""
            SELECT t.id, md5(d.document::text) AS value
            FROM {Ticket._meta.db_table} t
            LEFT JOIN {TicketSearchDocument._meta.db_table} d ON d.ticket_id = t.id
        """,
    ),
]
