from django import template

from ..permissions import may_hide_post as may_hide_post_rule

register = template.Library()


@register.filter
def may_hide_post(user, post) -> bool:
    """`{% if user|may_hide_post:post %}`: "Hide" is offered by the rule post_hide enforces."""
    return may_hide_post_rule(user, post)
