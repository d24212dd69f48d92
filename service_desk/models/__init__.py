"""Tickets and everything around them: messages, audit, SLAs, knowledge base, shipments.

Django finds the models here; each lives in the module of its part of the desk:

- `choices`: categories, priorities, SLA states, the search configuration;
- `tickets`: Ticket, its number, and its append-only history (TicketEvent);
- `conversation`: TicketMessage, TicketAttachment and its private storage, CannedResponse;
- `sla`: SlaPolicy, and which tickets' SLA clocks run or are overdue;
- `knowledge_base`: KnowledgeArticle, ArticleVote, Deflection;
- `shipments`: Shipment, ShipmentUpdate;
- `mail`: Channel, Mailbox, InboundMail and its FailedMail list (the e-mail channel);
- `automation`: Tag, Macro and TriggerRule (working on many tickets alike).
"""

from .automation import Macro, Tag, TriggerRule, TriggerRuleProduct
from .choices import SEARCH_CONFIG, Category, Priority, SlaState
from .conversation import (
    CannedResponse,
    TicketAttachment,
    TicketMessage,
    attachment_path,
    attachment_storage,
)

# Migration 0001 names the attachments' storage callable here: service_desk.models._private_storage
from .conversation import _private_storage as _private_storage
from .knowledge_base import ArticleVote, Deflection, KnowledgeArticle
from .mail import Channel, FailedMail, InboundMail, Mailbox
from .shipments import Shipment, ShipmentUpdate
from .sla import SlaPolicy, sla_overdue, sla_running
from .tickets import Ticket, TicketEvent, TicketQuerySet, ticket_number

__all__ = [
    "SEARCH_CONFIG",
    "ArticleVote",
    "CannedResponse",
    "Category",
    "Channel",
    "Deflection",
    "FailedMail",
    "InboundMail",
    "KnowledgeArticle",
    "Macro",
    "Mailbox",
    "Priority",
    "Shipment",
    "ShipmentUpdate",
    "SlaPolicy",
    "SlaState",
    "Tag",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketMessage",
    "TicketQuerySet",
    "TriggerRule",
    "TriggerRuleProduct",
    "attachment_path",
    "attachment_storage",
    "sla_overdue",
    "sla_running",
    "ticket_number",
]
