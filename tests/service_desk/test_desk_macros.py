"""Macros and tags on the desk's ticket page: pick a macro, see what it fills and changes, edit the
reply, apply it in one click; refusals are errors on the page with nothing applied."""

import pytest
from django.urls import reverse

from service_desk import services
from service_desk.models import Macro, Priority, Tag, Ticket, TicketEvent, TicketMessage
from tests.factories.accounts import agent
from tests.factories.products import RegistrationFactory
from tests.factories.service_desk import file_ticket

pytestmark = pytest.mark.django_db
Status = Ticket.Status


@pytest.fixture
def macro(tina):
    made = Macro.objects.create(
        title="Battery replacement",
        reply="Hi {customer}, we will replace the battery of {serial}.",
        set_status=Status.PENDING_CUSTOMER,
        set_priority=Priority.HIGH,
        assign=Macro.Assign.AGENT,
        assign_to=tina,
    )
    made.add_tags.set([Tag.objects.create(name="battery"), Tag.objects.create(name="rma")])
    return made


@pytest.fixture
def ticket(alice, product):
    unit = RegistrationFactory(customer=alice, product=product, serial_number="AX2-0042")
    return file_ticket(alice, product, registration=unit)


def pick(client, ticket, macro_id, body=""):
    return client.get(
        reverse("service_desk:desk_macro", args=[ticket.number]), {"macro": macro_id, "body": body}
    )


def apply(client, ticket, macro_id, body, **extra):
    return client.post(
        ticket.get_desk_url(),
        {"form": "reply", "apply": "macro", "macro": macro_id, "body": body, **extra},
    )


def test_picking_a_macro_fills_the_reply_and_shows_its_changes(client, sam, ticket, macro):
    client.force_login(sam)

    html = pick(client, ticket, macro.pk, body="typed before").content.decode()

    assert 'hx-swap-oob="true"' in html
    assert "Hi alice_c, we will replace the battery of AX2-0042." in html
    assert "typed before" not in html
    for change in ["Waiting for the customer", "High", "tina_a", "battery", "rma"]:
        assert change in html
    assert 'data-testid="apply-macro"' in html


def test_what_the_ticket_cannot_fill_is_left_as_written_and_named(
    client, sam, alice, product, macro
):
    ticket = file_ticket(alice, product)  # no registered unit: nothing for {serial}
    client.force_login(sam)

    html = pick(client, ticket, macro.pk).content.decode()

    assert "Hi alice_c, we will replace the battery of {serial}." in html
    assert "This ticket has nothing to fill {serial} with" in html


def test_a_macro_deleted_before_picking_is_named(client, sam, ticket, macro):
    client.force_login(sam)
    macro_id = macro.pk
    macro.delete()

    response = pick(client, ticket, macro_id, body="keep me")

    assert response.status_code == 200
    assert "deleted or switched off meanwhile" in response.content.decode()
    assert "keep me" in response.content.decode()


def test_applying_sends_the_edited_reply_and_makes_every_change(client, sam, tina, ticket, macro):
    client.force_login(sam)

    response = apply(
        client, ticket, macro.pk, "Hi Alice, a new battery for AX2-0042 is on its way."
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.messages.get().body == "Hi Alice, a new battery for AX2-0042 is on its way."
    assert (ticket.status, ticket.priority, ticket.assignee) == (
        Status.PENDING_CUSTOMER,
        Priority.HIGH,
        tina,
    )
    assert set(ticket.tags.values_list("name", flat=True)) == {"battery", "rma"}
    assert TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.MACRO).actor == sam
    page = client.get(ticket.get_desk_url()).content.decode()
    assert "Macro applied" in page and 'data-testid="ticket-tags"' in page


def test_an_empty_reply_box_sends_the_macros_own_reply(client, sam, ticket, macro):
    client.force_login(sam)

    apply(client, ticket, macro.pk, "")

    assert ticket.messages.get().body == "Hi alice_c, we will replace the battery of AX2-0042."


@pytest.mark.parametrize(
    "body", ["Hi, we replace {serial} now.", "Dear {customer}", "{ticket} fixed"]
)
def test_a_reply_still_naming_a_placeholder_is_refused(client, sam, ticket, macro, body):
    client.force_login(sam)

    applied = apply(client, ticket, macro.pk, body)
    sent = client.post(ticket.get_desk_url(), {"form": "reply", "body": body})

    for response in (applied, sent):
        assert response.status_code == 400
        assert "The reply still contains {" in response.content.decode()
    assert not TicketMessage.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_braces_that_name_no_placeholder_are_sent(client, sam, ticket):
    client.force_login(sam)

    client.post(ticket.get_desk_url(), {"form": "reply", "body": 'Set {"dns": "auto"} please'})

    assert ticket.messages.get().body == 'Set {"dns": "auto"} please'


@pytest.mark.parametrize("how", ["deleted", "switched off"])
def test_a_macro_gone_meanwhile_applies_nothing(client, sam, ticket, macro, how):
    client.force_login(sam)
    macro_id = macro.pk
    if how == "deleted":
        macro.delete()
    else:
        Macro.objects.filter(pk=macro_id).update(active=False)

    response = apply(client, ticket, macro_id, "Hello")

    assert response.status_code == 400
    assert "deleted or switched off meanwhile" in response.content.decode()
    assert not TicketMessage.objects.filter(ticket=ticket).exists()


def test_sending_is_not_held_up_by_a_macro_deleted_meanwhile(client, sam, ticket, macro):
    client.force_login(sam)
    macro_id = macro.pk
    macro.delete()

    response = client.post(
        ticket.get_desk_url(), {"form": "reply", "macro": macro_id, "body": "Plain answer"}
    )

    assert response.status_code == 302
    assert ticket.messages.get().body == "Plain answer"


def test_a_status_the_ticket_cannot_take_applies_nothing(client, sam, ticket, macro):
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.CLOSED)
    client.force_login(sam)

    preview = pick(client, ticket, macro.pk).content.decode()
    response = apply(client, ticket, macro.pk, "Hi Alice")

    assert "cannot become Waiting for the customer" in preview
    assert response.status_code == 400
    assert "cannot become Waiting for the customer" in response.content.decode()
    ticket.refresh_from_db()
    assert not TicketMessage.objects.filter(ticket=ticket).exists()
    assert ticket.assignee is None and not ticket.tags.exists()
    assert ticket.priority == Priority.NORMAL


def test_a_macro_reply_cannot_be_an_internal_note(client, sam, ticket, macro):
    client.force_login(sam)

    response = apply(client, ticket, macro.pk, "Hi", internal="on", then_status=Status.RESOLVED)

    assert response.status_code == 400
    html = response.content.decode()
    assert "untick this to apply the macro" in html
    assert "keep this to apply it" in html
    assert not TicketMessage.objects.filter(ticket=ticket).exists()


def test_applying_without_a_macro_asks_for_one(client, sam, ticket):
    client.force_login(sam)

    response = apply(client, ticket, "", "Hi")

    assert response.status_code == 400
    assert "Pick the macro to apply." in response.content.decode()


# --- Tags --------------------------------------------------------------------------------------


def test_agents_add_and_remove_tags_on_the_page(client, sam, ticket):
    client.force_login(sam)

    client.post(ticket.get_desk_url(), {"form": "tag", "tags": "Battery, 退货 , battery"})
    assert set(ticket.tags.values_list("name", flat=True)) == {"Battery", "退货"}
    page = client.get(ticket.get_desk_url()).content.decode()
    assert "Remove the tag Battery" in page

    battery = Tag.objects.get(name="Battery")
    client.post(ticket.get_desk_url(), {"form": "untag", "tag": battery.pk})
    assert list(ticket.tags.values_list("name", flat=True)) == ["退货"]
    kinds = TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True)
    assert list(kinds).count(TicketEvent.Kind.TAGGED) == 2
    removed = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.UNTAGGED)
    assert removed.new_value == "Battery"  # the history reads "Tag removed: Battery"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"form": "tag", "tags": " , "}, "Name the tags to add"),
        ({"form": "tag", "tags": "<script>"}, "is not a tag"),
        ({"form": "untag", "tag": "999999"}, "no longer has this tag"),
        ({"form": "untag", "tag": "²"}, "no longer has this tag"),
    ],
)
def test_bad_tag_input_is_a_message_not_a_500(client, sam, ticket, data, message):
    client.force_login(sam)

    response = client.post(ticket.get_desk_url(), data, follow=True)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ticket.tags.exists()


# --- The list, and who may see it --------------------------------------------------------------


def test_agents_see_the_active_macros(client, sam, macro, django_assert_num_queries):
    Macro.objects.create(title="Old macro", reply="Bye", active=False)
    client.force_login(sam)

    with django_assert_num_queries(5):
        html = client.get(reverse("service_desk:desk_macros")).content.decode()

    assert "Battery replacement" in html and "{serial}" in html
    assert "Old macro" not in html
    for index in range(3):  # more macros, agents and tags: no more queries
        more = Macro.objects.create(title=f"More {index}", assign=Macro.Assign.AGENT, assign_to=sam)
        more.add_tags.set(Tag.objects.all())
    with django_assert_num_queries(4):
        client.get(reverse("service_desk:desk_macros"))


def test_customers_cannot_use_macros(client, alice, ticket, macro):
    client.force_login(alice)

    assert pick(client, ticket, macro.pk).status_code == 403
    assert client.get(reverse("service_desk:desk_macros")).status_code == 403


def test_macros_of_other_agents_apply_as_the_agent_who_applies(client, ticket):
    me = Macro.objects.create(title="Mine", reply="On it, {agent}.", assign=Macro.Assign.ME)
    kim = agent(username="kim_a")
    client.force_login(kim)

    apply(client, ticket, me.pk, "")

    ticket.refresh_from_db()
    assert ticket.assignee == kim
    assert ticket.messages.get().body == "On it, kim_a."
