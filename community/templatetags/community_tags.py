from django import template

from ..cards import render_comments, render_post_cards
from ..permissions import may_hide_post as may_hide_post_rule

register = template.Library()


@register.filter
def may_hide_post(user, post) -> bool:
    """`{% if user|may_hide_post:post %}`: "Hide" is offered by the rule post_hide enforces."""
    return may_hide_post_rule(user, post)


@register.simple_tag(takes_context=True)
def post_cards(context, posts, show_product=False):
    """`{% post_cards page.object_list show_product=True %}`: the posts' cards, each rendered
    once for all its readers and cached (community/cards.py)."""
    return render_post_cards(context, posts, show_product=bool(show_product))


@register.simple_tag(takes_context=True)
def post_comments(context, comments):
    """`{% post_comments comments.object_list as rows %}`: (comment, its HTML) for each, the HTML
    rendered once for all readers who may do the same with it and cached (community/cards.py)."""
    return render_comments(context, comments)
