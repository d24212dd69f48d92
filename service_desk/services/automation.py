"""Tags on tickets, and macros: a reply and changes to a ticket applied in one click."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ..models import Macro, Tag, Ticket, TicketEvent
from ..permissions import is_desk_agent
from ..placeholders import fill_placeholders, validate_filled
from ._common import _event, _locked, fires_triggers
from .tickets import UNCHANGED, ticket_edit, ticket_reply

TAG_NAME = re.compile(r"^[\w][\w .+-]{0,49}$")


def tags_named(names) -> list[Tag]:
    """The tags with these names (ignoring case), made when new. Raises ValidationError for a
    name that is empty, too long or made of anything but letters, digits, spaces and . + - _."""
    wanted = {}
    for name in names:
        name = " ".join(str(name).split())
        if not TAG_NAME.match(name):
            raise ValidationError(
                {
                    "tags": [
                        _(
                            "“%(name)s” is not a tag: up to 50 letters, digits, spaces and "
                            ". + - _, starting with a letter or digit."
                        )
                        % {"name": name[:60]}
                    ]
                }
            )
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return []
    existing = {
        tag.name.lower(): tag
        for tag in Tag.objects.annotate(lower=Lower("name")).filter(lower__in=wanted)
    }
    for key, name in wanted.items():
        if key not in existing:
            # Two agents making the same new tag at once: the unique index keeps one, both use it.
            Tag.objects.bulk_create([Tag(name=name)], ignore_conflicts=True)
            existing[key] = Tag.objects.annotate(lower=Lower("name")).get(lower=key)
    return [existing[key] for key in wanted]


@transaction.atomic
@fires_triggers
def ticket_tag(*, ticket: Ticket, actor, tags) -> list[Tag]:
    """Add `tags` to the ticket (agents); one history line per tag it did not have yet."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    return _tag(_locked(ticket), actor, tags)


def _tag(ticket: Ticket, actor, tags, *, rule: str = "") -> list[Tag]:
    """Add `tags` to the locked ticket, a history line each; the ones it did not have."""
    have = set(ticket.tags.values_list("pk", flat=True))
    added = [tag for tag in tags if tag.pk not in have]
    if added:
        ticket.tags.add(*added)
        for tag in added:
            _event(ticket, actor, TicketEvent.Kind.TAGGED, new=tag.name, internal=True, rule=rule)
        ticket.save(update_fields=["updated_at"])
    return added


@transaction.atomic
@fires_triggers
def ticket_untag(*, ticket: Ticket, actor, tag: Tag) -> bool:
    """Take `tag` off the ticket (agents); False when it did not have it."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    ticket = _locked(ticket)
    if not ticket.tags.filter(pk=tag.pk).exists():
        return False
    ticket.tags.remove(tag)
    _event(ticket, actor, TicketEvent.Kind.UNTAGGED, new=tag.name, internal=True)
    ticket.save(update_fields=["updated_at"])
    return True


def macro_reply(macro: Macro, ticket: Ticket, agent) -> str:
    """The macro's reply for this ticket, placeholders filled (ValidationError when one cannot
    be)."""
    return fill_placeholders(macro.reply, ticket, agent)


@transaction.atomic
@fires_triggers
def macro_apply(
    *, ticket: Ticket, actor, macro: Macro, reply: str | None = None, attachments=()
) -> Ticket:
    """Apply `macro` to the ticket: its reply (or `reply`, the agent's edit of it, with
    `attachments`), then its priority, assignee, tags and status, every change or none.

    Each change writes its own history line, as done by hand, and one line names the macro.
    Raises ValidationError (a placeholder this ticket cannot fill or left in `reply`, a status
    the ticket cannot take) or PermissionDenied; nothing is applied then."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    if not macro.active:
        raise ValidationError(_("The macro “%(title)s” is switched off.") % {"title": macro.title})
    body = macro_reply(macro, ticket, actor) if reply is None else reply
    validate_filled(body)
    if body.strip():
        ticket_reply(ticket=ticket, author=actor, body=body, attachments=attachments)
    assignee = {
        Macro.Assign.ME: actor,
        Macro.Assign.NOBODY: None,
        Macro.Assign.AGENT: macro.assign_to,
    }.get(macro.assign, UNCHANGED)
    ticket = ticket_edit(
        ticket=ticket,
        actor=actor,
        priority=macro.set_priority,
        assignee=assignee,
        status=macro.set_status or None,
    )
    ticket_tag(ticket=ticket, actor=actor, tags=list(macro.add_tags.all()))
    _event(ticket, actor, TicketEvent.Kind.MACRO, new=macro.title, internal=True)
    return ticket
