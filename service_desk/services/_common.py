"""Helpers the service sections share: the ticket's row lock, a history line (and the changes
it records for the trigger rules), notifications about the ticket, the webhook event and a
message's excerpt."""

import functools
from contextvars import ContextVar

from cocreate.notifications.services import notification_send
from cocreate.webhooks.models import Event
from cocreate.webhooks.services import webhook_event_emit
from designers.selectors import product_team
from partners.selectors import product_collaborators

from ..mail.threads import ticket_email_thread
from ..models import Priority, Ticket, TicketEvent


def _locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock, so concurrent writers (agents, the SLA job) queue up."""
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket.pk)
    )


# The tickets the running service changed: {pk: (ticket, created, actor)}; None outside a
# service that runs the trigger rules (fires_triggers).
_changed: ContextVar[dict | None] = ContextVar("service_desk_changed_tickets", default=None)


def fires_triggers(service):
    """Run the trigger rules (triggers.py) for the tickets `service` changed, once it is done,
    when it is the outermost ticket service of the call: the services it calls leave it to it.
    Goes inside @transaction.atomic, so the rules' changes commit or roll back with its own."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        if _changed.get() is not None:
            return service(*args, **kwargs)
        from .triggers import run_triggers  # triggers.py uses the services that use this

        changed = {}
        token = _changed.set(changed)
        try:
            result = service(*args, **kwargs)
            # Still inside the scope: a service the rules might call cannot run them again.
            for ticket, created, actor in list(changed.values()):
                fired = run_triggers(ticket, "created" if created else "updated", actor)
                if fired and isinstance(result, Ticket) and result.pk == ticket.pk:
                    result.refresh_from_db()  # the caller sees what the rules changed
        finally:
            _changed.reset(token)
        return result

    return wrapper


def _event(ticket, actor, kind, old="", new="", *, internal=False, rule="") -> TicketEvent:
    changed = _changed.get()
    if changed is not None:
        created = kind == TicketEvent.Kind.CREATED or changed.get(ticket.pk, (0, False))[1]
        changed[ticket.pk] = (ticket, created, actor)
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        old_value=str(old)[:200],
        new_value=str(new)[:200],
        internal=internal,
        rule=rule[:120],
    )


def _notify(ticket: Ticket, recipients, *, kind: str, title, body="", url="", **options) -> None:
    """Notify about `ticket`: its e-mails thread together and replies come back to its mailbox
    (mail/threads.py). Every title names the ticket's number, which the e-mail's subject shows."""
    notification_send(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=url or ticket.get_desk_url(),
        thread=ticket_email_thread(ticket),
        **options,
    )


def _notify_customer(ticket: Ticket, *, kind: str, title, body="", **options) -> None:
    _notify(
        ticket,
        [ticket.customer],
        kind=kind,
        title=title,
        body=body,
        url=ticket.get_absolute_url(),
        **options,
    )


def _emit_webhook(ticket: Ticket, event: Event, **fields) -> None:
    """Send `event` to the endpoints of the ticket's customer, of the product's team (assigned
    designers, members of partners collaborating on it) and of staff. The payload leaves out
    what the customer wrote: integrations read it through the API, which checks who asks."""
    payload = {
        "number": ticket.number,
        "product": ticket.product.slug,
        "category": ticket.category,
        # The API's name for the priority ("normal"), not the rank the database keeps.
        "priority": Priority(ticket.priority).name.lower(),
        "status": ticket.status,
        **fields,
        "url": ticket.get_absolute_url(),
    }
    audience = [
        ticket.customer,
        product_team(ticket.product_id),
        product_collaborators(ticket.product_id),
    ]
    webhook_event_emit(event=event, payload=payload, audience=audience)


def _excerpt(text: str, length: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"
