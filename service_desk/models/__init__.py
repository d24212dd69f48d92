"""Tickets and everything around them: messages, audit, SLAs, knowledge base, shipments.

Django finds the models here; each lives in the module of its part of the desk:

- `choices`: categories, priorities, SLA states, the search configuration;
- `tickets`: Ticket, its number, and its append-only history (TicketEvent);
- `conversation`: TicketMessage, TicketAttachment and its private storage, CannedResponse;
- `sla`: SlaPolicy, and which tickets' SLA clocks run or are overdue;
- `knowledge_base`: KnowledgeArticle, ArticleVote, Deflection;
- `shipments`: Shipment, ShipmentUpdate, Carrier (tracking pages);
- `mail`: Channel, Mailbox, InboundMail and its FailedMail list (the e-mail channel);
- `automation`: Tag, Macro and TriggerRule (working on many tickets alike);
- `queue`: SavedView, BulkAction and its BulkActionItem (the queue's views and bulk actions);
- `search`: TicketSearchDocument, what the desk's search finds a ticket by;
- `metrics`: MetricsDayFigure and MetricsStaleDay, the metrics page's daily figures.
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
from .metrics import MetricsDayFigure, MetricsStaleDay
from .queue import BulkAction, BulkActionItem, SavedView
from .search import TicketSearchDocument
from .shipments import Carrier, Shipment, ShipmentUpdate
from .sla import SlaPolicy, sla_overdue, sla_running
from .tickets import Ticket, TicketEvent, TicketQuerySet, ticket_number

__all__ = [
    "SEARCH_CONFIG",
    "ArticleVote",
    "BulkAction",
    "BulkActionItem",
    "CannedResponse",
    "Carrier",
    "Category",
    "Channel",
    "Deflection",
    "FailedMail",
    "InboundMail",
    "KnowledgeArticle",
    "Macro",
    "MetricsDayFigure",
    "MetricsStaleDay",
    "Mailbox",
    "Priority",
    "SavedView",
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
    "TicketSearchDocument",
    "TriggerRule",
    "TriggerRuleProduct",
    "attachment_path",
    "attachment_storage",
    "sla_overdue",
    "sla_running",
    "ticket_number",
]
