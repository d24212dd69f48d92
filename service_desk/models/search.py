"""The desk's search document: one row per ticket (services/search.py keeps it up to date)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .tickets import Ticket


class TicketSearchDocument(models.Model):
    """What the desk's search finds a ticket by: its subject (weight A), description (B), public
    replies (C) and internal notes (D), Han characters as tokens (docs/search.md).

    Written in the transaction of whatever changes those texts; `manage.py check_consistency`
    finds and repairs a stale one. A customer's search only ever sees weights A to C.
    """

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    document = SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["document"], name="ticket_document_gin")]

    def __str__(self):
        return str(self.ticket_id)
