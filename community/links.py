"""Tickets linked to posts: what the service desk, a floor above, lets the community and the
designers read of it.

An agent links a ticket to a post (`service_desk.Ticket.linked_post`). The service desk
registers that foreign key here from its AppConfig.ready(), so the floors below it read linked
tickets through `linked_tickets()` and never import the desk; without a registration no post has
linked tickets.

Besides the foreign key, readers rely on the ticket model's `created_at` (a ticket counts in the
designers' score from its creation) and `updated_at` (a change to a linked ticket rescores its
post): designers/scoring.py. The designers' review page also shows each ticket's `number`,
`subject`, `category`, `status`, the start of its `description` and, to agents, its
`get_desk_url()` (designers/selectors.py).
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .models import Post


@dataclass(frozen=True)
class LinkedTickets:
    field: models.ForeignKey  # the ticket's foreign key to Post

    @property
    def model(self) -> type[models.Model]:
        return self.field.model

    @property
    def query_name(self) -> str:
        """The reverse relation in lookups and aggregates: `Count(links.query_name)`."""
        return self.field.related_query_name()

    @property
    def accessor(self) -> str:
        """The reverse relation on a post, for prefetch_related."""
        return self.field.remote_field.get_accessor_name()


_linked_tickets: LinkedTickets | None = None


def register_linked_tickets(field: models.ForeignKey) -> None:
    """Called once by the service desk with `Ticket.linked_post`'s field."""
    global _linked_tickets
    if not isinstance(field, models.ForeignKey) or field.related_model is not Post:
        raise ImproperlyConfigured(f"{field} is not a foreign key to community.Post.")
    _linked_tickets = LinkedTickets(field)


def linked_tickets() -> LinkedTickets | None:
    """The registered link, or None when no app links tickets to posts."""
    return _linked_tickets
