from django import template
from django.contrib.auth.models import AnonymousUser

from cocreate.core.menu import fixed_url, rendered_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu_links(context):
    """{% main_menu_links %}: the apps' sections and the pages of the user's roles, as `<li>`s
    (partials/main_menu.html).

    The user is the template's `user` (the auth context processor's), as in the rest of the
    header: a page rendered before the authentication middleware ran (a bad Host header's 400)
    has no request.user.
    """
    return rendered_menu(context["request"], context.get("user", AnonymousUser()))


@register.simple_tag
def shell_url(url_name):
    """{% shell_url "core:home" %}: {% url %} for the header's and footer's links, which take no
    arguments, reversed once per process (cocreate.core.menu.fixed_url)."""
    return fixed_url(url_name)
