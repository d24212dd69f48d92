"""The desk queue's shared parts (service_desk/queue_parts.py), as tags of its page."""

from django import template

from .. import queue_parts

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_rows(context, tickets):
    """`{% queue_rows page %}`: the table rows of the page's tickets."""
    return queue_parts.render_queue_rows(context, tickets)


@register.simple_tag(takes_context=True)
def queue_filter_bar(context, form, choices):
    """`{% queue_filter_bar form choices %}`: partials/filter_bar.html for the queue's form."""
    return queue_parts.render_filter_bar(context, form, choices)


@register.simple_tag(takes_context=True)
def bulk_choices(context, agents, macros):
    """`{% bulk_choices agents macros %}`: what the bulk bar offers to do."""
    return queue_parts.render_bulk_choices(context, agents, macros)
