"""Trigger rules: when a ticket is filed or changed and the conditions hold, the actions run in
the same transaction, in order, at most once each, and a broken rule never fails the ticket."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from cocreate.notifications.models import Notification
from service_desk import services
from service_desk.mail.receiving import mail_receive
from service_desk.models import (
    Category,
    Channel,
    Priority,
    Tag,
    Ticket,
    TicketEvent,
    TriggerRule,
    TriggerRuleProduct,
)
from service_desk.services import triggers
from tests.factories.accounts import customer, staff
from tests.factories.products import ProductFactory
from tests.factories.service_desk import MailboxFactory, file_ticket

from .mails import compose

pytestmark = pytest.mark.django_db
Kind = TicketEvent.Kind


def rule(name="Rule", *, tags=(), products=(), notify=(), **fields) -> TriggerRule:
    made = TriggerRule.objects.create(name=name, **fields)
    made.add_tags.set(Tag.objects.create(name=tag) for tag in tags)
    made.notify_agents.set(notify)
    for product in products:
        TriggerRuleProduct.objects.create(rule=made, product=product)
    return made


def tag_names(ticket) -> set[str]:
    return set(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


def rule_lines(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .exclude(rule="")
        .values_list("kind", "rule", "new_value", "actor")
    )


# --- Conditions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "matching", "other"),
    [
        ({"category": Category.LOGISTICS}, {"category": Category.LOGISTICS}, {}),
        ({"channel": Channel.API}, {"channel": Channel.API}, {}),
        ({"subject_words": "battery, charger"}, {"subject": "The BATTERY drains"}, {}),
        ({"subject_words": "电池"}, {"subject": "我的电池坏了"}, {"subject": "屏幕坏了"}),
    ],
)
def test_a_rule_fires_only_when_its_condition_holds(alice, product, condition, matching, other):
    rule(tags=["flagged"], **condition)

    assert tag_names(file_ticket(alice, product, **matching)) == {"flagged"}
    assert tag_names(file_ticket(alice, product, **other)) == set()


def test_words_match_whole_words_ignoring_case(alice, product):
    rule(tags=["flagged"], subject_words="fan")

    assert tag_names(file_ticket(alice, product, subject="My Fan is loud")) == {"flagged"}
    assert tag_names(file_ticket(alice, product, subject="Fantastic router, one question")) == set()


def test_every_condition_must_hold(alice, product):
    rule(tags=["flagged"], category=Category.LOGISTICS, subject_words="refund")

    assert tag_names(file_ticket(alice, product, subject="Refund please")) == set()
    assert tag_names(
        file_ticket(alice, product, subject="Refund please", category=Category.LOGISTICS)
    ) == {"flagged"}


def test_product_condition_is_any_of_the_products(alice, product):
    other = ProductFactory(name="Aurora Mesh")
    rule(tags=["router"], products=[product])

    assert tag_names(file_ticket(alice, product)) == {"router"}
    assert tag_names(file_ticket(alice, other)) == set()


def test_priority_condition_reads_the_ticket_as_changed(alice, sam, product):
    rule(tags=["hot"], event=TriggerRule.Event.UPDATED, priority=Priority.URGENT)
    ticket = file_ticket(alice, product)

    services.ticket_update(ticket=ticket, actor=sam, category=Category.LOGISTICS)
    assert tag_names(ticket) == set()
    services.ticket_update(ticket=ticket, actor=sam, priority=Priority.URGENT)
    assert tag_names(ticket) == {"hot"}


def test_language_is_the_customers_else_their_mailboxs(product):
    rule(tags=["chinese"], language="zh-hans")
    mailbox = MailboxFactory(name="cn", product=product, language="zh-hans")
    chooses_english = customer(username="en_c", language="en")
    chose_nothing = customer(username="none_c", language="")

    assert tag_names(file_ticket(customer(username="zh_c", language="zh-hans"), product)) == {
        "chinese"
    }
    assert tag_names(file_ticket(chose_nothing, product, mailbox=mailbox)) == {"chinese"}
    assert tag_names(file_ticket(chooses_english, product, mailbox=mailbox)) == set()
    assert tag_names(file_ticket(chose_nothing, product)) == set()


def test_mail_tickets_go_through_the_rules(product):
    mailbox = MailboxFactory(name="support", product=product, language="zh-hans")
    rule(tags=["email-battery"], channel=Channel.EMAIL, subject_words="电池", language="zh-hans")

    received = mail_receive(mailbox=mailbox, raw=compose(subject="电池充不进电"))

    assert received.ticket.channel == Channel.EMAIL
    assert tag_names(received.ticket) == {"email-battery"}


# --- Actions -----------------------------------------------------------------------------------


def test_actions_assign_set_priority_tag_and_notify_with_the_rules_name(
    alice, sam, tina, product, policies
):
    rule(
        "Batteries to Sam",
        subject_words="battery",
        assign_to=sam,
        set_priority=Priority.URGENT,
        tags=["battery"],
        notify=[tina],
    )

    ticket = Ticket.objects.get(pk=file_ticket(alice, product, subject="Battery swelling").pk)

    assert ticket.assignee == sam
    assert ticket.priority == Priority.URGENT
    assert ticket.sla_policy == policies[Priority.URGENT]  # the SLA follows the priority
    assert tag_names(ticket) == {"battery"}
    assert set(Notification.objects.values_list("recipient__username", "kind")) >= {
        ("sam_a", "ticket.assigned"),
        ("tina_a", "ticket.rule"),
    }
    assert rule_lines(ticket) == [
        (Kind.ASSIGNEE, "Batteries to Sam", sam.public_name, None),
        (Kind.PRIORITY, "Batteries to Sam", "Urgent", None),
        (Kind.TAGGED, "Batteries to Sam", "battery", None),
        (Kind.RULE_NOTIFIED, "Batteries to Sam", tina.public_name, None),
    ]


def test_notify_the_assignee_but_not_the_agent_who_made_the_change(alice, sam, tina, product):
    rule("Tell the assignee", event=TriggerRule.Event.UPDATED, notify_assignee=True)
    ticket = file_ticket(alice, product)
    services.ticket_assign(ticket=ticket, actor=sam, assignee=tina)
    Notification.objects.all().delete()

    services.ticket_reply(ticket=ticket, author=alice, body="Any news?")
    assert Notification.objects.filter(recipient=tina, kind="ticket.rule").count() == 1

    services.ticket_add_note(ticket=ticket, author=tina, body="Waiting on the lab")
    assert Notification.objects.filter(recipient=tina, kind="ticket.rule").count() == 1


# --- When and in which order -------------------------------------------------------------------


def test_created_rules_fire_on_filing_and_updated_rules_on_changes(alice, sam, product):
    rule("On filing", tags=["new"])
    rule("On change", event=TriggerRule.Event.UPDATED, tags=["changed"])

    ticket = file_ticket(alice, product)
    assert tag_names(ticket) == {"new"}

    services.ticket_change_status(ticket=ticket, actor=sam, status=Ticket.Status.OPEN)
    assert tag_names(ticket) == {"new", "changed"}


def test_rules_run_once_per_service_call_however_many_services_it_uses(alice, sam, tina, product):
    rule("Count", event=TriggerRule.Event.UPDATED, notify=[sam])
    ticket = file_ticket(alice, product)

    # Priority, assignee and status: three services inside ticket_edit, one run of the rules.
    services.ticket_edit(
        ticket=ticket, actor=tina, priority=Priority.HIGH, assignee=tina, status="open"
    )

    assert TicketEvent.objects.filter(ticket=ticket, kind=Kind.RULE_NOTIFIED).count() == 1


def test_rules_run_in_position_order(alice, product):
    rule("Second", position=20, tags=["second"])
    rule("First", position=10, tags=["first"])

    ticket = file_ticket(alice, product)

    assert [line[1] for line in rule_lines(ticket)] == ["First", "Second"]


def test_a_rules_change_can_fire_a_later_pass_of_the_rules(alice, sam, product):
    rule("Tag urgent ones", position=1, priority=Priority.URGENT, tags=["escalate"])
    rule(
        "Refunds are urgent", position=2, category=Category.LOGISTICS, set_priority=Priority.URGENT
    )

    ticket = file_ticket(alice, product, category=Category.LOGISTICS)

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.URGENT
    assert tag_names(ticket) == {"escalate"}


def test_inactive_rules_do_not_run(alice, product):
    rule(tags=["x"], active=False)

    assert tag_names(file_ticket(alice, product)) == set()


# --- Loop guard and broken rules ---------------------------------------------------------------


def test_rules_undoing_each_other_are_stopped_and_recorded(alice, sam, product):
    rule("Up", position=1, priority=Priority.NORMAL, set_priority=Priority.HIGH)
    rule("Down", position=2, priority=Priority.HIGH, set_priority=Priority.NORMAL)

    ticket = file_ticket(alice, product)

    assert Ticket.objects.filter(pk=ticket.pk).exists()
    loop = TicketEvent.objects.get(ticket=ticket, kind=Kind.RULE_LOOP)
    assert loop.rule == "Up"
    assert [line[1] for line in rule_lines(ticket) if line[0] == Kind.PRIORITY] == ["Up", "Down"]


def test_a_rule_updating_the_ticket_does_not_fire_itself_again(alice, sam, product):
    rule("Every change", event=TriggerRule.Event.UPDATED, tags=["touched"], notify=[sam])
    ticket = file_ticket(alice, product)

    services.ticket_reply(ticket=ticket, author=alice, body="Hello?")

    assert TicketEvent.objects.filter(ticket=ticket, kind=Kind.RULE_NOTIFIED).count() == 1
    assert not TicketEvent.objects.filter(ticket=ticket, kind=Kind.RULE_LOOP).exists()


def test_a_rule_assigning_to_a_former_agent_is_skipped_and_the_ticket_filed(
    alice, sam, tina, product
):
    gone = rule("To Sam", position=1, assign_to=sam, tags=["sam"])
    rule("Still runs", position=2, tags=["filed"])
    sam.is_active = False
    sam.save()

    ticket = file_ticket(alice, product)

    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert tag_names(ticket) == {"filed"}
    skipped = TicketEvent.objects.get(ticket=ticket, kind=Kind.RULE_SKIPPED)
    assert skipped.rule == "To Sam" and sam.public_name in skipped.new_value
    assert triggers.rule_problems(gone)


def test_a_rule_naming_a_deleted_product_is_skipped_not_widened(alice, product):
    gone = ProductFactory(name="Old Router")
    broken = rule("Old routers", products=[gone, product], tags=["old"])
    gone.delete()

    ticket = file_ticket(alice, product)

    assert tag_names(ticket) == set()
    assert TicketEvent.objects.get(ticket=ticket, kind=Kind.RULE_SKIPPED).rule == "Old routers"
    assert "deleted" in str(triggers.rule_problems(broken)[0])


def test_a_rule_whose_actions_fail_is_rolled_back_and_the_ticket_filed(
    alice, sam, product, monkeypatch
):
    def outage(*args, **kwargs):
        raise RuntimeError("notifications are down")

    monkeypatch.setattr(triggers, "_notify", outage)
    rule("Fails", position=1, set_priority=Priority.URGENT, tags=["fails"], notify=[sam])
    rule("Runs", position=2, tags=["runs"])

    ticket = Ticket.objects.get(pk=file_ticket(alice, product).pk)

    assert ticket.priority == Priority.NORMAL  # the failed rule's changes are rolled back
    assert tag_names(ticket) == {"runs"}
    assert not TicketEvent.objects.filter(ticket=ticket, kind=Kind.PRIORITY).exists()
    skipped = TicketEvent.objects.get(ticket=ticket, kind=Kind.RULE_SKIPPED)
    assert "notifications are down" in skipped.new_value


def test_rules_commit_or_roll_back_with_the_service(alice, sam, product):
    rule("On change", event=TriggerRule.Event.UPDATED, tags=["changed"])
    ticket = file_ticket(alice, product)

    with pytest.raises(ValidationError):
        # The priority is changed, then the status refused: the whole edit is undone.
        services.ticket_edit(
            ticket=ticket, actor=sam, priority=Priority.HIGH, status="no-such-status"
        )
    assert tag_names(ticket) == set()
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL

    with pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_update(ticket=ticket, actor=sam, priority=Priority.HIGH)
        assert tag_names(ticket) == {"changed"}  # inside the service's transaction
        raise RuntimeError
    assert tag_names(ticket) == set()


def test_assigning_a_rule_to_a_customer_is_refused_in_the_admin_form(alice):
    with pytest.raises(ValidationError) as refused:
        TriggerRule(name="Bad", assign_to=alice).full_clean()

    assert "assign_to" in refused.value.message_dict


# --- The admin ---------------------------------------------------------------------------------


def test_staff_see_a_broken_rules_problem_in_the_admin(client, sam, product):
    gone = ProductFactory(name="Old Router")
    broken = rule("Old routers", products=[gone], assign_to=sam)
    gone.delete()
    sam.is_active = False
    sam.save()
    client.force_login(staff(username="root"))

    listing = client.get(reverse("admin:service_desk_triggerrule_changelist")).content.decode()
    page = client.get(reverse("admin:service_desk_triggerrule_change", args=[broken.pk]))

    assert "a product its condition names was deleted" in listing
    assert "no longer an agent" in listing
    assert "This rule is skipped on tickets" in page.content.decode()


def test_the_admin_refuses_a_rule_without_actions_and_saves_one_with_products(client, product):
    client.force_login(staff(username="root"))
    url = reverse("admin:service_desk_triggerrule_add")
    form = {
        "name": "Routers",
        "active": "on",
        "position": "0",
        "event": "created",
        "products-TOTAL_FORMS": "1",
        "products-INITIAL_FORMS": "0",
        "products-0-product": str(product.pk),
    }

    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Choose at least one action" in refused.content.decode()

    saved = client.post(url, {**form, "set_priority": str(Priority.HIGH)})
    assert saved.status_code == 302
    assert TriggerRule.objects.get(name="Routers").products.get().product == product


def test_the_macro_admin_lists_placeholders_and_refuses_unknown_ones(client):
    client.force_login(staff(username="root"))
    url = reverse("admin:service_desk_macro_add")

    assert "{serial}" in client.get(url).content.decode()
    refused = client.post(url, {"title": "Hi", "reply": "Hello {name}", "active": "on"})

    assert refused.status_code == 200
    assert "Unknown placeholder {name}" in refused.content.decode()


def test_the_service_returns_the_ticket_as_the_rules_left_it(alice, sam, product):
    rule("To Sam", assign_to=sam, set_priority=Priority.HIGH)

    ticket = file_ticket(alice, product)

    assert (ticket.assignee, ticket.priority) == (sam, Priority.HIGH)
