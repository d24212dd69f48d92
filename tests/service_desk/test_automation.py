"""Tags, placeholders and macros: a reply and changes applied in one click, every one or none."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from service_desk import services
from service_desk.models import Macro, Priority, Tag, Ticket, TicketEvent, TicketMessage
from service_desk.placeholders import fill_placeholders
from tests.factories.products import RegistrationFactory
from tests.factories.service_desk import file_ticket

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def test_placeholders_are_filled_from_the_ticket_and_the_agent(alice, sam, product):
    ticket = file_ticket(alice, product, subject="Fan is loud")

    text = fill_placeholders(
        "Hi {customer}: {ticket} ({subject}) on {product}. {agent}", ticket, sam
    )

    assert text == (
        f"Hi {alice.public_name}: {ticket.number} (Fan is loud) on Aurora Router X2. "
        f"{sam.public_name}"
    )


def test_an_unknown_or_unfillable_placeholder_is_refused_by_name(alice, sam, product):
    ticket = file_ticket(alice, product)  # no registered unit: nothing for {serial}

    with pytest.raises(ValidationError, match=r"\{custmer\}"):
        fill_placeholders("Hi {custmer}", ticket, sam)
    with pytest.raises(ValidationError, match=r"\{serial\}"):
        fill_placeholders("Your unit {serial}", ticket, sam)
    # In a reply box the agent edits, what cannot be filled stays as written.
    assert fill_placeholders("{customer}: {serial}", ticket, sam, strict=False) == (
        f"{alice.public_name}: {{serial}}"
    )


def test_the_serial_placeholder_reads_the_registered_unit(alice, sam, product):
    unit = RegistrationFactory(customer=alice, product=product, serial_number="AX2-0042")
    ticket = file_ticket(alice, product, registration=unit)

    assert fill_placeholders("Unit {serial}", ticket, sam) == "Unit AX2-0042"


def test_a_macro_with_an_unknown_placeholder_cannot_be_saved():
    macro = Macro(title="Bad", reply="Hello {name}")

    with pytest.raises(ValidationError) as refused:
        macro.full_clean()

    assert "reply" in refused.value.message_dict


def test_tags_are_found_ignoring_case_and_made_once(sam):
    Tag.objects.create(name="Battery")

    tags = services.tags_named(["battery", "  refund  ", "REFUND"])

    assert [tag.name for tag in tags] == ["Battery", "refund"]
    assert Tag.objects.count() == 2
    with pytest.raises(ValidationError):
        services.tags_named(["<script>"])


def test_tagging_writes_one_history_line_per_new_tag(alice, sam, product):
    ticket = file_ticket(alice, product)
    battery, refund = services.tags_named(["battery", "refund"])

    services.ticket_tag(ticket=ticket, actor=sam, tags=[battery])
    added = services.ticket_tag(ticket=ticket, actor=sam, tags=[battery, refund])

    assert added == [refund]
    assert set(ticket.tags.values_list("name", flat=True)) == {"battery", "refund"}
    assert list(
        ticket.events.filter(kind=TicketEvent.Kind.TAGGED).values_list("new_value", flat=True)
    ) == ["battery", "refund"]
    assert services.ticket_untag(ticket=ticket, actor=sam, tag=battery) is True
    assert services.ticket_untag(ticket=ticket, actor=sam, tag=battery) is False


def test_customers_cannot_tag(alice, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(PermissionDenied):
        services.ticket_tag(ticket=ticket, actor=alice, tags=services.tags_named(["x"]))


def _macro(**fields):
    tags = fields.pop("tags", [])
    macro = Macro.objects.create(title=fields.pop("title", "Wait for logs"), **fields)
    macro.add_tags.set(services.tags_named(tags))
    return macro


def test_a_macro_replies_and_sets_status_priority_assignee_and_tags(alice, sam, product):
    ticket = file_ticket(alice, product)
    macro = _macro(
        reply="Hello {customer}, please send the logs of your {product}.",
        set_status=Status.PENDING_CUSTOMER,
        set_priority=Priority.HIGH,
        assign=Macro.Assign.ME,
        tags=["needs-logs"],
    )

    services.macro_apply(ticket=ticket, actor=sam, macro=macro)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == (
        Status.PENDING_CUSTOMER,
        Priority.HIGH,
        sam,
    )
    assert list(ticket.tags.values_list("name", flat=True)) == ["needs-logs"]
    reply = TicketMessage.objects.get(ticket=ticket)
    assert (
        reply.body == f"Hello {alice.public_name}, please send the logs of your Aurora Router X2."
    )
    assert not reply.internal
    assert ticket.events.filter(kind=TicketEvent.Kind.MACRO, new_value="Wait for logs").exists()


def test_the_agent_may_send_their_own_edit_of_the_macro_reply(alice, sam, product):
    ticket = file_ticket(alice, product)
    macro = _macro(reply="Hello {customer}", set_status=Status.PENDING_CUSTOMER)

    services.macro_apply(ticket=ticket, actor=sam, macro=macro, reply="Hi Alice, logs please.")

    assert TicketMessage.objects.get(ticket=ticket).body == "Hi Alice, logs please."


def test_a_macro_that_cannot_apply_changes_nothing(alice, sam, product):
    ticket = file_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.CLOSED)
    events_before = ticket.events.count()
    # A closed ticket can only be reopened: "resolved" is refused after the reply was written.
    macro = _macro(reply="Solved, {customer}!", set_status=Status.RESOLVED, tags=["done"])

    with pytest.raises(ValidationError):
        services.macro_apply(ticket=ticket, actor=sam, macro=macro)

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert not TicketMessage.objects.filter(ticket=ticket).exists()
    assert not ticket.tags.exists()
    assert ticket.events.count() == events_before


def test_a_macro_whose_placeholder_this_ticket_cannot_fill_is_refused(alice, sam, product):
    ticket = file_ticket(alice, product)
    macro = _macro(reply="Your unit {serial} is covered.", set_priority=Priority.HIGH)

    with pytest.raises(ValidationError, match=r"\{serial\}"):
        services.macro_apply(ticket=ticket, actor=sam, macro=macro)

    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


def test_a_switched_off_macro_or_a_customer_cannot_apply(alice, sam, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(ValidationError):
        services.macro_apply(ticket=ticket, actor=sam, macro=_macro(active=False))
    with pytest.raises(PermissionDenied):
        services.macro_apply(ticket=ticket, actor=alice, macro=_macro(title="Other"))
