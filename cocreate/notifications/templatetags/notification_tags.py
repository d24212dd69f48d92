"""A notification's title and body are Markdown (docs/notifications.md, "How notifications
read"): the page shows them as safe HTML."""

from django import template
from django.utils.safestring import mark_safe

from cocreate.core.markup import render_markdown, render_markdown_inline

register = template.Library()


@register.filter
def title_html(title: str) -> str:
    """A title: one line, with links, emphasis and code."""
    return mark_safe(render_markdown_inline(title))


@register.filter
def body_html(body: str) -> str:
    """A body: paragraphs and lists too. Mentions are not looked up (no query per line)."""
    return mark_safe(render_markdown(body, mentions={}))
