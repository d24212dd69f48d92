"""The desk ticket page's messages and history entries rendered once for every agent.

Each one's HTML is cached (cocreate/core/shared_html.py) under a key made of everything it
shows: a message's text, author, date (the relative "3 minutes ago" as the page writes it),
channel, internal flag, e-mail, attachments, whether its author is the ticket's customer and
whether the customer's account was removed; an entry's kind, values, actor or rule and date.
A new message or entry is a new key and shows at once. The customer's own ticket page
renders its messages as before, never from this cache.
"""

from django.utils.safestring import SafeString, mark_safe

from cocreate.core.dates import relative
from cocreate.core.shared_html import render_shared, ttl

MESSAGE_TEMPLATE = "service_desk/_message.html"
MESSAGE_TEMPLATES = (MESSAGE_TEMPLATE, "service_desk/_attachments.html")
EVENT_TEMPLATE = "service_desk/_history_event.html"


def _date_shown(moment) -> tuple:
    return (moment.isoformat(), relative(moment))


def render_messages(context) -> SafeString:
    """The conversation's messages in `context`, as an include of _message.html in a loop
    renders them; shared between agents on the desk only."""
    ticket, desk = context["ticket"], bool(context.get("desk"))

    def shown(message) -> tuple:
        mail = getattr(message, "inbound_mail", None)  # a reverse one-to-one: may be none
        return (
            ticket.number,
            ticket.customer_id == message.author_id,
            ticket.anonymised_at is not None,
            message.pk,
            message.internal,
            message.channel,
            message.author.public_name,
            message.body_html,
            *_date_shown(message.created_at),
            (mail.pk, mail.reason) if mail else None,
            tuple((file.pk, file.filename, file.size) for file in message.files),
        )

    html = render_shared(
        context,
        MESSAGE_TEMPLATE,
        MESSAGE_TEMPLATES,
        context["conversation"],
        names=lambda message: {"message": message},
        shown=shown,
        seconds=ttl() if desk else 0,
    )
    return mark_safe("".join(html))


def render_history(context) -> SafeString:
    """The ticket's history entries in `context`, as an include of _history_event.html in a
    loop renders them."""

    def shown(event) -> tuple:
        return (
            event.pk,
            event.kind,
            event.old_value,
            event.new_value,
            event.actor.public_name if event.actor else None,
            event.rule,
            *_date_shown(event.created_at),
        )

    html = render_shared(
        context,
        EVENT_TEMPLATE,
        (EVENT_TEMPLATE,),
        context["history"],
        names=lambda event: {"event": event},
        shown=shown,
        seconds=ttl(),
    )
    return mark_safe("".join(html))
