"""Which services emit which webhook events, and whose endpoints receive them.

An endpoint owner receives the events of their own tickets and applications, of the posts they
follow and of the products they are on the team for (assigned designer, member of a partner in a
planned or active collaboration project on the product); staff receive every event.
"""

import pytest
from django.contrib.auth.models import Group

from cocreate.accounts.roles import Role
from cocreate.webhooks.models import WebhookDelivery, WebhookEndpoint
from community.models import Post
from designers.services import post_status_change
from partners.models import CollaborationProject, Membership
from partners.services import application_approve, application_reject
from service_desk.models import Category, Ticket
from service_desk.services import ticket_change_status, ticket_create, ticket_reply
from tests.factories.accounts import agent, designer, partner_member, staff
from tests.factories.community import PostFactory
from tests.factories.designers import ProductTeamFactory
from tests.factories.partners import ApplicationFactory, PartnerFactory, ProjectFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

ALL_EVENTS = [
    "post.status_changed",
    "post.adopted",
    "ticket.created",
    "ticket.status_changed",
    "partner.application_decided",
]


def _endpoint(owner):
    return WebhookEndpoint.objects.create(
        owner=owner, url=f"https://hooks.example/{owner.username}", events=ALL_EVENTS
    )


def _received(endpoint, event):
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint, event=event).values_list(
            "payload", flat=True
        )
    )


def _collaborator_on(product, status=CollaborationProject.Status.ACTIVE):
    member = partner_member()
    partner = PartnerFactory()
    Membership.objects.create(user=member, partner=partner)
    ProjectFactory(partners=[partner], products=[product], status=status)
    return member


@pytest.fixture
def product():
    return ProductFactory()


@pytest.fixture
def endpoints(product):
    """The endpoints of: a customer who is also a partner member (owns the ticket), a partner
    member collaborating on the product, an assigned designer (who is also a partner member:
    only partner members and staff receive events), a partner member whose project on it was
    cancelled, an unrelated partner member, and staff."""
    owner = partner_member()
    team_designer = designer()
    team_designer.groups.add(Group.objects.get_or_create(name=Role.PARTNER_MEMBER)[0])
    ProductTeamFactory(product=product, user=team_designer)
    return {
        "owner": _endpoint(owner),
        "collaborator": _endpoint(_collaborator_on(product)),
        "designer": _endpoint(team_designer),
        "cancelled": _endpoint(
            _collaborator_on(product, status=CollaborationProject.Status.CANCELLED)
        ),
        "stranger": _endpoint(partner_member()),
        "staff": _endpoint(staff()),
    }


def _receivers(endpoints, event):
    return {name for name, endpoint in endpoints.items() if _received(endpoint, event)}


def _new_ticket(product, endpoints):
    return ticket_create(
        customer=endpoints["owner"].owner,
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Private subject",
        description="Private description",
    )


def test_a_new_ticket_reaches_its_customer_the_products_team_and_staff(product, endpoints):
    ticket = _new_ticket(product, endpoints)

    assert _receivers(endpoints, "ticket.created") == {
        "owner",
        "collaborator",
        "designer",
        "staff",
    }
    [payload] = _received(endpoints["owner"], "ticket.created")
    assert payload["number"] == ticket.number
    assert (payload["product"], payload["status"]) == (product.slug, "new")
    # The same names as the API's ticket: "normal", not the rank 2 the database keeps.
    assert (payload["category"], payload["priority"]) == (ticket.category, "normal")
    assert "Private" not in str(payload)  # what the customer wrote stays behind the API


def test_status_changes_by_an_agent_and_by_a_reply_are_emitted(product, endpoints):
    ticket = _new_ticket(product, endpoints)
    desk = agent()

    ticket_reply(ticket=ticket, author=desk, body="Looking into it.")  # new → open
    ticket_change_status(ticket=ticket, actor=desk, status=Ticket.Status.RESOLVED)

    changes = _received(endpoints["owner"], "ticket.status_changed")
    assert sorted((p["old_status"], p["status"]) for p in changes) == [
        ("new", "open"),
        ("open", "resolved"),
    ]
    assert _receivers(endpoints, "ticket.status_changed") == {
        "owner",
        "collaborator",
        "designer",
        "staff",
    }


def test_a_decision_on_a_post_reaches_followers_the_products_team_and_staff(product, endpoints):
    post = PostFactory(product=product, author=endpoints["owner"].owner)

    post_status_change(
        post=post, status=Post.Status.PLANNED, message="On the roadmap.", author=designer()
    )

    assert _receivers(endpoints, "post.status_changed") == {
        "owner",  # the author follows their post
        "collaborator",
        "designer",
        "staff",
    }
    assert _receivers(endpoints, "post.adopted") == set()
    [payload] = _received(endpoints["collaborator"], "post.status_changed")
    assert (payload["post"], payload["status"]) == (post.pk, "planned")


def test_an_approval_reaches_the_applicant_and_staff_only(endpoints):
    applicant = endpoints["stranger"].owner
    application = ApplicationFactory(applicant=applicant)

    partner = application_approve(application=application, decided_by=staff(), message="Welcome")

    assert _receivers(endpoints, "partner.application_decided") == {"stranger", "staff"}
    [payload] = _received(endpoints["stranger"], "partner.application_decided")
    assert payload["status"] == "approved" and payload["partner"] == partner.slug
    assert payload["application"] == application.pk


def test_a_rejection_reaches_the_applicant_with_the_reason(endpoints):
    application = ApplicationFactory(applicant=endpoints["owner"].owner)

    application_reject(application=application, decided_by=staff(), message="Not a fit yet.")

    [payload] = _received(endpoints["owner"], "partner.application_decided")
    assert (payload["status"], payload["partner"], payload["message"]) == (
        "rejected",
        None,
        "Not a fit yet.",
    )
    assert _receivers(endpoints, "partner.application_decided") == {"owner", "staff"}


def test_an_owner_who_lost_the_partner_role_receives_nothing(product, endpoints):
    former = endpoints["collaborator"].owner
    former.groups.remove(Group.objects.get(name=Role.PARTNER_MEMBER))

    _new_ticket(product, endpoints)

    assert _receivers(endpoints, "ticket.created") == {"owner", "designer", "staff"}


def test_an_owner_whose_account_was_deactivated_receives_nothing(product, endpoints):
    former = endpoints["collaborator"].owner
    former.is_active = False
    former.save(update_fields=["is_active"])

    _new_ticket(product, endpoints)

    assert _receivers(endpoints, "ticket.created") == {"owner", "designer", "staff"}


def test_staff_receive_without_the_partner_role(product, endpoints):
    assert not endpoints["staff"].owner.groups.exists()

    _new_ticket(product, endpoints)

    assert "staff" in _receivers(endpoints, "ticket.created")
