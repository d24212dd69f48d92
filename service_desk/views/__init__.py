"""Pages of the service desk: customers under /support/, agents under /desk/. Thin: forms in,
services and selectors out.

`customer` holds the customers' pages, `knowledge_base` the knowledge base's, `desk` the
agents' (`queue` the queue's views and bulk actions); `_common` what they share. urls.py names every page through this package.
"""

from .customer import (
    attachment_download,
    deflect,
    home,
    ticket_detail,
    ticket_list,
    ticket_new,
    ticket_rate,
    ticket_status,
    ticket_suggestions,
)
from .desk import (
    desk_article_edit,
    desk_article_new,
    desk_canned,
    desk_macro,
    desk_macros,
    desk_metrics,
    desk_presence,
    desk_queue,
    desk_take_next,
    desk_ticket,
    inbound_mail_eml,
)
from .knowledge_base import kb_article, kb_index, kb_vote
from .queue import (
    bulk_action,
    bulk_action_page,
    bulk_action_progress,
    saved_view_create,
    saved_view_delete,
    saved_view_edit,
)

__all__ = [
    "attachment_download",
    "bulk_action",
    "bulk_action_page",
    "bulk_action_progress",
    "deflect",
    "desk_article_edit",
    "desk_article_new",
    "desk_canned",
    "desk_macro",
    "desk_macros",
    "desk_metrics",
    "desk_presence",
    "desk_queue",
    "desk_take_next",
    "desk_ticket",
    "home",
    "inbound_mail_eml",
    "kb_article",
    "kb_index",
    "kb_vote",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_edit",
    "ticket_detail",
    "ticket_list",
    "ticket_new",
    "ticket_rate",
    "ticket_status",
    "ticket_suggestions",
]
