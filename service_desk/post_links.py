"""Escalation to the product team: link a ticket to a community post, or open a feedback post.

Kept apart from views.py because it is the one place the service desk reaches into the community
app (which sits below it in the dependency order).
"""

from django.http import Http404


def desk_context(ticket, forms) -> dict:
    return {"post_links_enabled": False}


def handle(request, ticket):
    raise Http404
