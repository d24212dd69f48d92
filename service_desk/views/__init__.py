"""Pages of the service desk: customers under /support/, agents under /desk/. Thin: forms in,
services and selectors out.

`customer` holds the customers' pages, `knowledge_base` the knowledge base's, `desk` the
agents'; `_common` what they share. urls.py names every page through this package.
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
    desk_queue,
    desk_take_next,
    desk_ticket,
    inbound_mail_eml,
)
from .knowledge_base import kb_article, kb_index, kb_vote

__all__ = [
    "attachment_download",
    "deflect",
    "desk_article_edit",
    "desk_article_new",
    "desk_canned",
    "desk_macro",
    "desk_macros",
    "desk_metrics",
    "desk_queue",
    "desk_take_next",
    "desk_ticket",
    "home",
    "inbound_mail_eml",
    "kb_article",
    "kb_index",
    "kb_vote",
    "ticket_detail",
    "ticket_list",
    "ticket_new",
    "ticket_rate",
    "ticket_status",
    "ticket_suggestions",
]
