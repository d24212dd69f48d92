"""Denormalised data of the service desk (`manage.py check_consistency`): the knowledge-base
articles' vote tallies, the tickets' search documents and the metrics' daily figures. Ticket
numbers and the tickets' own search vectors are generated columns."""

from cocreate.core.denormalised import Check, Difference

from .models import (
    ArticleVote,
    Deflection,
    KnowledgeArticle,
    MetricsDayFigure,
    MetricsStaleDay,
    Ticket,
    TicketSearchDocument,
)
from .search_document import EXPECTED, PARAMS, documents_refresh
from .services.metrics import BATCH_DAYS, figures_compute, metrics_refresh, utc_day

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


class MetricsFigureCheck(Check):
    """The metrics' daily figures against the tickets and deflections of their days, recomputed
    as the refresh does, BATCH_DAYS days at a time; days marked stale are pending, left out. A
    ticket overdue since the last refresh of its day, not yet marked by the SLA job, differs
    until it is. Repaired by marking the differing days stale and refreshing them."""

    @property
    def fixable(self) -> bool:
        return True

    @staticmethod
    def _values(figure) -> tuple:
        return (figure.tickets, round(figure.seconds, 3), figure.sla_decided, figure.sla_met)

    def differences(self) -> list[Difference]:
        pending = set(MetricsStaleDay.objects.values_list("day", flat=True))
        days = sorted(
            (
                set(MetricsDayFigure.objects.values_list("day", flat=True).distinct())
                | {utc_day(at) for at in Ticket.objects.values_list("created_at", flat=True)}
                | {utc_day(at) for at in Deflection.objects.values_list("created_at", flat=True)}
            )
            - pending
        )
        differences = []
        for start in range(0, len(days), BATCH_DAYS):
            batch = days[start : start + BATCH_DAYS]
            stored = {
                (f.day, f.dimension, f.key): self._values(f)
                for f in MetricsDayFigure.objects.filter(day__in=batch)
            }
            expected = {
                (f.day, f.dimension, f.key): self._values(f) for f in figures_compute(batch)
            }
            differences += [
                Difference(
                    self.model,
                    key[0].isoformat(),
                    f"{key[1]}:{key[2]}",
                    stored.get(key),
                    expected.get(key),
                )
                for key in sorted(stored.keys() | expected.keys())
                if stored.get(key) != expected.get(key)
            ]
        return differences

    def fix(self) -> int:
        days = sorted({difference.id for difference in self.differences()})
        MetricsStaleDay.objects.bulk_create(MetricsStaleDay(day=day) for day in days)
        metrics_refresh()
        return len(days)


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
    MetricsFigureCheck(
        "service_desk.MetricsDayFigure", MetricsDayFigure._meta.db_table, "tickets", ""
    ),
]
