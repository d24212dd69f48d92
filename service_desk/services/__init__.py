"""Every write of the service desk that carries a rule, one function each, in a transaction.

Views and the API check who the caller is (customer of the ticket, agent, staff) before calling;
the services re-check the rules that are part of the domain (a customer may only close or reopen,
a rating is given once and only after resolution) so no caller can skip them.

One module per part of the desk; callers import this package (`services.ticket_create(...)`),
which names every public service here:

- `tickets`: filing, replies and notes, status, assignment, priority and category, take next,
  the customer's rating;
- `sla`: the policy a ticket takes and its SLA clock; `sla_job`: the periodic check that marks
  and escalates breaches;
- `escalation`: a ticket linked to a community post, or a feedback post opened from it;
- `shipments`: the parcels of a ticket;
- `knowledge_base`: articles, votes, deflections;
- `automation`: tags, and macros (a reply and changes applied in one click);
- `queue`: the queue's saved views, and bulk actions on many tickets;
- `triggers`: the trigger rules run after the services that change a ticket;
- `anonymisation`: the tickets of deleted accounts, once their retention period is over;
- `metrics`: the metrics page's daily figures, refreshed from the tickets of stale days;
- `_common` and `_attachments`: the private helpers they share.
"""

from .anonymisation import tickets_anonymise_former_members
from .automation import macro_apply, macro_reply, tags_named, ticket_tag, ticket_untag
from .escalation import ticket_link_post, ticket_open_feedback_post
from .knowledge_base import article_save, article_vote, deflection_record
from .metrics import metrics_rebuild, metrics_refresh, metrics_refresh_period
from .queue import (
    bulk_action_continue,
    bulk_action_start,
    bulk_action_work,
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)
from .shipments import shipment_create, shipment_update
from .sla import sla_policy_for
from .sla_job import sla_check
from .tickets import (
    UNCHANGED,
    TicketConflict,
    ticket_add_note,
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_create,
    ticket_edit,
    ticket_rate,
    ticket_reply,
    ticket_take_next,
    ticket_update,
)
from .triggers import run_triggers

__all__ = [
    "tickets_anonymise_former_members",
    "UNCHANGED",
    "TicketConflict",
    "article_save",
    "bulk_action_continue",
    "bulk_action_start",
    "bulk_action_work",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_update",
    "macro_apply",
    "macro_reply",
    "tags_named",
    "ticket_tag",
    "ticket_untag",
    "article_vote",
    "deflection_record",
    "metrics_rebuild",
    "metrics_refresh",
    "metrics_refresh_period",
    "shipment_create",
    "shipment_update",
    "sla_check",
    "sla_policy_for",
    "ticket_add_note",
    "ticket_answer",
    "ticket_assign",
    "ticket_change_status",
    "ticket_create",
    "ticket_edit",
    "ticket_link_post",
    "ticket_open_feedback_post",
    "ticket_rate",
    "ticket_reply",
    "ticket_take_next",
    "ticket_update",
    "run_triggers",
]
