"""Escalation to the product team: a ticket linked to a community post, or a feedback post
opened from it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import Ticket, TicketEvent
from ..permissions import is_desk_agent
from ._common import _event, _locked


@transaction.atomic
def ticket_link_post(*, ticket: Ticket, actor, post) -> Ticket:
    """Link the ticket to a community post (or unlink it with `post=None`); agents only.

    Linked tickets count in the post's score, so after-sales pain reaches the designers.
    """
    if not is_desk_agent(actor):
        raise PermissionDenied
    if post is not None and post.is_deleted:
        raise ValidationError({"post": [_("This post was deleted.")]})
    ticket = _locked(ticket)
    if ticket.linked_post_id == (post.pk if post else None):
        return ticket
    old = ticket.linked_post
    ticket.linked_post = post
    ticket.save(update_fields=["linked_post", "updated_at"])
    _event(
        ticket,
        actor,
        TicketEvent.Kind.LINKED_POST,
        old.title if old else "",
        post.title if post else "",
        internal=True,
    )
    return ticket


@transaction.atomic
def ticket_open_feedback_post(*, ticket: Ticket, actor, title: str, body: str):
    """Open a feedback post in the product's community from this ticket, and link them.

    The post is written by the agent (no customer data leaves the ticket unless the agent puts it
    in) through the community's own `post_create`, so its rules (lengths, follow) apply.
    """
    if not is_desk_agent(actor):
        raise PermissionDenied
    # Imported here so the rest of the desk keeps working while the community app changes.
    from community.models import Post
    from community.services import post_create

    post = post_create(
        author=actor, product=ticket.product, kind=Post.Kind.FEEDBACK, title=title, body=body
    )
    ticket_link_post(ticket=ticket, actor=actor, post=post)
    return post
