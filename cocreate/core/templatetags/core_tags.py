from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cocreate.core import reader_parts
from cocreate.core.badges import status_badge_class
from cocreate.core.dates import time_element
from cocreate.core.form_html import form_fields_html, widget_html
from cocreate.core.permissions import user_may

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with `changes` applied, e.g. to keep filters while paging."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def may(user, rule: str) -> bool:
    """`{% if user|may:"webhooks.use" %}`: a rule an app registered by name
    (cocreate/core/permissions.py)."""
    return user_may(user, rule)


@register.simple_tag
def status_badge(instance, field: str = "status", testid: str = ""):
    """`{% status_badge ticket %}` (or `{% status_badge item "state" testid="item-state" %}`):
    the field's label in a badge coloured as its app registered (cocreate/core/badges.py)."""
    label = getattr(instance, f"get_{field}_display")()
    return badge(label, status_badge_class(instance, field), testid=testid)


@register.simple_tag
def badge(label, tone: str = "", testid: str = ""):
    """`{% badge _("Draft") "badge-muted" %}`: a short label in a pill (tones in app.css:
    badge-ok, badge-warn, badge-danger, badge-muted, badge-accent, badge-info, badge-violet)."""
    html = render_to_string("partials/badge.html", {"label": label, "tone": tone, "testid": testid})
    return mark_safe(html.strip())  # the template escaped the label


@register.simple_block_tag
def page_header(content, title, eyebrow="", lead="", testid=""):
    """The head of a page: an optional eyebrow, its one h1, an optional lead, and what is
    between the tags as its actions (buttons, links), beside the title or under it on a phone.

    {% page_header title=_("Ticket queue") eyebrow=_("Desk") %}<a class="button" …>…</a>{% endpage_header %}
    """
    return render_to_string(
        "partials/page_header.html",
        {"title": title, "eyebrow": eyebrow, "lead": lead, "actions": content, "testid": testid},
    )


@register.simple_block_tag
def card(content, title="", url="", heading="h2", testid=""):
    """A card: a surface with an optional title (an h2, or an h3 with heading="h3"; a link to
    `url` when given, the whole card then opens it) and what is between the tags as its body.

    {% card title=article.title url=article.get_absolute_url heading="h3" %}<p>…</p>{% endcard %}
    """
    return render_to_string(
        "partials/card.html",
        {"title": title, "url": url, "heading": heading, "body": content, "testid": testid},
    )


@register.filter
def filter_fields(form) -> list:
    """A filter form's visible fields other than the search box (`q`): the filter bar's folding part."""
    return [field for field in form.visible_fields() if field.name != "q"]


@register.filter
def active_filter_count(form) -> int:
    """How many of a filter form's choices are set: its fields with a value, other than the
    search box (`q`), the sort order and hidden fields (the filter bar's "Filters (2 active)")."""
    return sum(
        1
        for field in form.visible_fields()
        if field.name not in ("q", "sort") and field.data not in (None, "", [])
    )


@register.simple_tag
def form_fields(form):
    """partials/form_fields.html for `form`, an empty form's HTML shared (form_html.py)."""
    return form_fields_html(form)


@register.simple_tag
def field_widget(field):
    """`{{ field }}`, an empty form's widget HTML shared (form_html.py)."""
    return widget_html(field)


@register.filter(expects_localtime=True)
def when(value, style: str = ""):
    """A date or time as the date policy shows it (cocreate/core/dates.py), in the reader's
    time zone (or as it is inside `{% localtime off %}`):

        {{ post.created_at|when }}          relative within a week, exact on hover
        {{ ticket.created_at|when:"exact" }}  "Dec 5, 2026, 06:10" in a <time>
        {{ unit.warranty_ends_on|when }}    a date: "Dec 5, 2026"
        {{ product.launch_date|when:"month" }}  "December 2026" ("year", "time", "day" too)
        title="{{ article.updated_at|when:'text' }}"  the exact text alone (attributes, e-mails)
    """
    return time_element(value, style)


@register.simple_tag(takes_context=True)
def reader_include(context, template_name):
    """`{% reader_include "partials/header.html" %}`: an include rendered for each reader, also
    on a page that signed-in readers share (cocreate/core/reader_parts.py)."""
    return mark_safe(reader_parts.render_include(context, template_name))


@register.simple_tag(takes_context=True)
def reader_variant(context, name, obj, **variables):
    """`{% reader_variant "community.vote" post vote_count=post.vote_count %}`: the reader's
    variant of a part an app registered, chosen per reader on a shared page
    (cocreate/core/reader_parts.py)."""
    return mark_safe(reader_parts.render_variant(context, name, obj, **variables))
