"""The desk queue's parts rendered once and shared by every agent they look the same to
(cocreate/core/shared_html.py): its rows, its filter bar and its bulk bar's choices.

Rendering them was most of the page's time. Each is cached under a key made of everything it
shows, with the agent's language and time zone:

- a row: the ticket's number, subject, category, customer, product, priority, status, SLA state
  and policy, assignee, and its resolution target as the countdown reads it at this minute
  ("due in 3 hours", "paused"), so it is never older than what it says;
- the filter bar: the query it was filled from (and so its errors), what each select offers
  (products, agents, tags) and the labels the page gives it;
- the bulk bar's "do with the selected" choices: the agents and the active macros.

Which tickets, views and counts an agent sees are read from the database per request, as
before; only the HTML comes from the cache, for settings.SHARED_HTML_CACHE_SECONDS (0 turns it
off).
"""

from django.utils.safestring import SafeString, mark_safe

from cocreate.core import clock
from cocreate.core.shared_html import render_shared, ttl

from .templatetags.service_desk_tags import countdown_reading

ROW_TEMPLATE = "service_desk/_queue_row.html"
ROW_TEMPLATES = (ROW_TEMPLATE, "partials/badge.html")
FILTER_BAR_TEMPLATE = "partials/filter_bar.html"
BULK_CHOICES_TEMPLATE = "service_desk/_bulk_choices.html"


def render_queue_rows(context, tickets) -> SafeString:
    """The rows of `tickets` for the agent of `context`, as `{% include
    "service_desk/_queue_row.html" %}` in a loop renders them."""
    now = clock.now()  # one moment for every row's key and HTML

    def shown(ticket) -> tuple:
        due = ticket.resolution_due_at if ticket.is_active else None
        return (
            ticket.pk,
            ticket.number,
            ticket.subject,
            ticket.category,
            ticket.priority,
            ticket.status,
            ticket.sla_state,
            bool(ticket.sla_policy_id),
            ticket.customer.public_name,
            ticket.product.name,
            ticket.assignee.public_name if ticket.assignee else None,
            due.isoformat() if due else None,
            countdown_reading(due, ticket.paused_at, now) if due else None,
        )

    with clock.clock_at(now):
        rows = render_shared(
            context,
            ROW_TEMPLATE,
            ROW_TEMPLATES,
            list(tickets),
            names=lambda ticket: {"ticket": ticket},
            shown=shown,
            seconds=ttl(),
        )
    return mark_safe("\n          ".join(row.removesuffix("\n") for row in rows))


def render_filter_bar(context, form, choices) -> SafeString:
    """The queue's filter bar (partials/filter_bar.html) for `form`, which offers `choices`."""

    def shown(form) -> tuple:
        return (
            sorted(form.data.lists()) if form.is_bound else None,
            tuple(choices.products),
            tuple((agent.username, agent.public_name) for agent in choices.agents),
            tuple(choices.tags),
            *(str(context.get(name, "")) for name in ("label", "submit_label", "clear_url")),
        )

    (html,) = render_shared(
        context,
        FILTER_BAR_TEMPLATE,
        (FILTER_BAR_TEMPLATE,),
        [form],
        names=lambda form: {"form": form},
        shown=shown,
        seconds=ttl(),
    )
    return mark_safe(html)


def render_bulk_choices(context, agents, macros) -> SafeString:
    """The bulk bar's options (service_desk/_bulk_choices.html): assign to each of `agents`,
    set a status or a priority, tag, apply one of `macros` ((pk, title) pairs)."""

    def shown(_choices) -> tuple:
        return (tuple((agent.pk, agent.public_name) for agent in agents), tuple(macros))

    (html,) = render_shared(
        context,
        BULK_CHOICES_TEMPLATE,
        (BULK_CHOICES_TEMPLATE,),
        [None],
        names=lambda _choices: {"agents": agents, "macros": macros},
        shown=shown,
        seconds=ttl(),
    )
    return mark_safe(html)
