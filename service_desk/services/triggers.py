"""Trigger rules (staff set them up in the admin): when a ticket is filed or changed and a rule's
conditions hold, its actions run, inside the transaction of the service that changed the ticket.

Each ticket service that changes a ticket is wrapped in `_common.fires_triggers`: when the
outermost one is done (ticket_edit runs ticket_update, ticket_assign … inside it) the rules run
once for every ticket it changed, "created" rules for a ticket it filed, "updated" rules
otherwise. The rules' actions write their history lines with the rule's name and no actor.

The loop guard: the rules' own changes are not a new service call, so they fire nothing by
themselves; they are evaluated again, in passes, until a pass changes nothing (a rule setting
the priority to urgent lets a rule "priority is urgent → notify" fire). Each rule fires at most
once per change; a rule that matches again in a later pass and would change the ticket again
(two rules setting the priority back and forth) stops the run: a history line names it and
nothing more runs.

A broken rule never fails the service (filing a ticket, an e-mail): a rule naming a deleted
product or assigning to someone who is no longer an agent is skipped, and one whose actions
fail (a database error) is rolled back to its savepoint and skipped; either way the ticket's
history and the log say so, and the admin lists the rule's problems.
"""

import logging
import re

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import Ticket, TicketEvent, TriggerRule
from ..permissions import is_desk_agent
from ._common import _event, _notify
from .automation import _tag
from .tickets import _assign, _set_priority

logger = logging.getLogger(__name__)

HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def run_triggers(ticket: Ticket, event: str, actor=None) -> list[TriggerRule]:
    """Run the active rules of `event` ("created" or "updated") on the ticket, in order; the
    rules that fired. `actor` made the change: they are not notified of it."""
    rules = list(
        TriggerRule.objects.filter(active=True, event=event)
        .select_related("assign_to")
        .prefetch_related("products", "add_tags", "notify_agents")
    )
    if not rules:
        return []
    ticket = _read(ticket)
    fired, skipped = [], set()
    while True:
        changed = False
        for rule in rules:
            if rule.pk in skipped or not rule_matches(rule, ticket):
                continue
            if rule in fired:
                if _would_change(rule, ticket):
                    _stop_loop(ticket, rule)
                    return fired
                continue
            problems = rule_problems(rule)
            if problems:
                skipped.add(rule.pk)
                _skip(ticket, rule, "; ".join(str(problem) for problem in problems))
                continue
            try:
                with transaction.atomic():
                    changed |= _apply(rule, ticket, actor)
            except Exception as error:  # a broken rule must not fail the ticket
                logger.exception("Trigger rule %r failed on %s", rule.name, ticket.number)
                ticket = _read(ticket)
                skipped.add(rule.pk)
                _skip(ticket, rule, _("its actions failed (%(error)s)") % {"error": error})
                continue
            fired.append(rule)
        if not changed:
            return fired


def rule_matches(rule: TriggerRule, ticket: Ticket) -> bool:
    """Whether every condition the rule sets holds for the ticket."""
    if rule.category and ticket.category != rule.category:
        return False
    if rule.priority is not None and ticket.priority != rule.priority:
        return False
    if rule.channel and ticket.channel != rule.channel:
        return False
    if rule.language and ticket_language(ticket) != rule.language:
        return False
    products = {row.product_id for row in rule.products.all()}
    if products and ticket.product_id not in products:
        return False
    words = rule.words()
    return not words or any(subject_has(ticket.subject, word) for word in words)


def ticket_language(ticket: Ticket) -> str:
    """The customer's language, or when they chose none, their mailbox's ("" when unknown)."""
    if ticket.customer.language:
        return ticket.customer.language
    return ticket.mailbox.language if ticket.mailbox_id else ""


def subject_has(subject: str, word: str) -> bool:
    """Chinese words anywhere in the subject (it has no spaces between words); others as whole
    words. Case is ignored."""
    if HAN.search(word):
        return word.casefold() in subject.casefold()
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", subject, re.IGNORECASE) is not None


def rule_problems(rule: TriggerRule) -> list:
    """Why the rule cannot run as staff set it up (empty when it can); the admin shows these."""
    problems = []
    if any(row.product_id is None for row in rule.products.all()):
        problems.append(_("a product its condition names was deleted"))
    if rule.assign_to is not None and not (
        rule.assign_to.is_active and is_desk_agent(rule.assign_to)
    ):
        problems.append(
            _("%(name)s, whom it assigns tickets to, is no longer an agent")
            % {"name": rule.assign_to.public_name}
        )
    return problems


def _would_change(rule: TriggerRule, ticket: Ticket) -> bool:
    have = set(ticket.tags.values_list("pk", flat=True))
    return (
        (rule.assign_to_id is not None and rule.assign_to_id != ticket.assignee_id)
        or (rule.set_priority is not None and rule.set_priority != ticket.priority)
        or any(tag.pk not in have for tag in rule.add_tags.all())
    )


def _apply(rule: TriggerRule, ticket: Ticket, actor) -> bool:
    """Run the rule's actions on the locked ticket; whether they changed it (notifying does not)."""
    changed = False
    if rule.assign_to is not None:
        changed |= _assign(ticket, None, rule.assign_to, rule=rule.name)
    if rule.set_priority is not None:
        changed |= _set_priority(ticket, rule.set_priority, rule=rule.name)
    changed |= bool(_tag(ticket, None, list(rule.add_tags.all()), rule=rule.name))
    recipients = [
        agent for agent in rule.notify_agents.all() if agent.is_active and is_desk_agent(agent)
    ]
    if rule.notify_assignee and ticket.assignee is not None:
        recipients.append(ticket.assignee)
    recipients = [user for user in recipients if actor is None or user.pk != actor.pk]
    if recipients:
        _notify(
            ticket,
            recipients,
            kind="ticket.rule",
            title=format_lazy(
                _("{number} needs you ({rule}): {subject}"),
                number=ticket.number,
                rule=rule.name,
                subject=ticket.subject,
            ),
        )
        names = ", ".join(sorted({user.public_name for user in recipients}))
        _event(
            ticket, None, TicketEvent.Kind.RULE_NOTIFIED, new=names, internal=True, rule=rule.name
        )
    return changed


def _skip(ticket: Ticket, rule: TriggerRule, reason) -> None:
    logger.warning("Trigger rule %r skipped on %s: %s", rule.name, ticket.number, reason)
    _event(ticket, None, TicketEvent.Kind.RULE_SKIPPED, new=reason, internal=True, rule=rule.name)


def _stop_loop(ticket: Ticket, rule: TriggerRule) -> None:
    logger.warning("Trigger rule %r would fire again on %s: stopped", rule.name, ticket.number)
    _event(
        ticket,
        None,
        TicketEvent.Kind.RULE_LOOP,
        new=_("it would change the ticket again after other rules changed it back"),
        internal=True,
        rule=rule.name,
    )


def _read(ticket: Ticket) -> Ticket:
    """The ticket as saved, locked (again after a rule's savepoint was rolled back: its fields
    were changed in memory)."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "mailbox", "assignee")
        .get(pk=ticket.pk)
    )
