"""Applying to become a partner, and staff deciding in the review queue."""

import pytest
from django.urls import reverse

from cocreate.accounts.roles import Role
from cocreate.notifications.models import Notification
from partners.models import Application, Membership, Partner
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import ApplicationFactory, PartnerFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Kyoto Acoustics Lab",
    "kind": "university",
    "country": "JP",
    "capabilities": ["acoustics", "training"],
    "website": "https://kyoto.example",
    "description": "Psychoacoustics research.",
}


def test_apply_requires_signing_in(client):
    response = client.get(reverse("partners:apply"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_signed_in_user_applies_and_staff_are_told(client):
    admin = staff()
    applicant = UserFactory()
    client.force_login(applicant)

    response = client.post(reverse("partners:apply"), VALID, follow=True)

    application = Application.objects.get()
    assert application.applicant == applicant
    assert application.status == Application.Status.PENDING
    assert application.capabilities == ["acoustics", "training"]
    assert application.country.code == "JP"
    assert application.description_html == "<p>Psychoacoustics research.</p>\n"
    assert "Staff will review your application" in response.content.decode()
    assert "Kyoto Acoustics Lab" in response.content.decode()  # in "Your applications"
    assert Notification.objects.filter(recipient=admin, kind="partners.application_submitted")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"capabilities": ["teleportation"]}, "capabilities"),
        ({"kind": "pirate"}, "kind"),
        ({"name": ""}, "name"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_bad_input_shows_an_error_and_saves_nothing(client, change, field):
    client.force_login(UserFactory())

    response = client.post(reverse("partners:apply"), {**VALID, **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.parametrize("existing", ["partner", "pending application"])
def test_a_duplicate_name_is_refused_whatever_its_case(client, existing):
    if existing == "partner":
        PartnerFactory(name="Kyoto Acoustics Lab")
    else:
        ApplicationFactory(name="Kyoto Acoustics Lab")
    client.force_login(UserFactory())

    response = client.post(reverse("partners:apply"), {**VALID, "name": "KYOTO acoustics lab"})

    assert "already uses this name" in response.content.decode()
    assert Application.objects.filter(name__iexact="kyoto acoustics lab").count() == (
        1 if existing != "partner" else 0
    )


def test_a_partner_name_is_unique_case_insensitively_in_the_database():
    from django.core.exceptions import ValidationError

    PartnerFactory(name="Acme")
    twin = Partner(name="ACME", slug="acme-2", kind="supplier", country="DE")

    with pytest.raises(ValidationError, match="already exists"):
        twin.full_clean()


@pytest.mark.parametrize("who", ["anonymous", "customer", "partner member"])
def test_the_queue_and_decision_pages_are_404_to_non_staff(client, who):
    application = ApplicationFactory()
    if who == "customer":
        client.force_login(UserFactory())
    elif who == "partner member":
        client.force_login(UserFactory(role=Role.PARTNER_MEMBER))

    assert client.get(reverse("partners:application_queue")).status_code == 404
    url = reverse("partners:application_review", args=[application.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    application.refresh_from_db()
    assert application.is_pending


def test_the_queue_lists_pending_applications_oldest_first(client, django_assert_num_queries):
    first = ApplicationFactory(name="First")
    ApplicationFactory(name="Second")
    ApplicationFactory(name="Done", status=Application.Status.REJECTED)
    client.force_login(staff())

    response = client.get(reverse("partners:application_queue"))

    assert [a.name for a in response.context["page"]] == ["First", "Second"]
    assert reverse("partners:application_review", args=[first.pk]) in response.content.decode()
    # user, unread count, count, rows with applicants (the session and the roles come from the
    # cache)
    with django_assert_num_queries(4):
        client.get(reverse("partners:application_queue"))
    ApplicationFactory.create_batch(10)
    with django_assert_num_queries(4):
        client.get(reverse("partners:application_queue"))


def test_approval_makes_an_active_partner_owned_by_the_applicant(client):
    application = ApplicationFactory(name="Kyoto Acoustics Lab", capabilities=["acoustics"])
    applicant = application.applicant
    admin = staff()
    client.force_login(admin)

    response = client.post(
        reverse("partners:application_review", args=[application.pk]),
        {"decision": "approve", "message": "Welcome aboard."},
    )

    assert response.status_code == 302
    partner = Partner.objects.get(name="Kyoto Acoustics Lab")
    assert partner.status == Partner.Status.ACTIVE
    assert partner.slug == "kyoto-acoustics-lab"
    assert partner.capabilities == ["acoustics"]
    assert Membership.objects.get(partner=partner).user == applicant
    assert Membership.objects.get(partner=partner).role == Membership.Role.OWNER
    applicant.__dict__.pop("role_names", None)
    assert applicant.is_partner_member
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == admin
    assert application.partner == partner
    notification = Notification.objects.get(recipient=applicant)
    assert notification.kind == "partners.application_approved"
    assert notification.body == "Welcome aboard."


def test_rejection_needs_a_message_and_notifies_the_applicant(client):
    application = ApplicationFactory()
    client.force_login(staff())
    url = reverse("partners:application_review", args=[application.pk])

    response = client.post(url, {"decision": "reject", "message": " "})
    assert "Tell the applicant why." in response.content.decode()
    application.refresh_from_db()
    assert application.is_pending

    client.post(url, {"decision": "reject", "message": "We only list manufacturers."})

    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.decision_message == "We only list manufacturers."
    assert not Partner.objects.exists()
    notification = Notification.objects.get(recipient=application.applicant)
    assert notification.kind == "partners.application_rejected"


def test_a_second_decision_changes_nothing(client):
    application = ApplicationFactory()
    client.force_login(staff())
    url = reverse("partners:application_review", args=[application.pk])
    client.post(url, {"decision": "approve"})

    response = client.post(url, {"decision": "reject", "message": "Too late"}, follow=True)

    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert Partner.objects.count() == 1
    assert Notification.objects.filter(recipient=application.applicant).count() == 1
    assert response.status_code == 200


def test_approval_fails_cleanly_when_a_partner_took_the_name_meanwhile(client):
    application = ApplicationFactory(name="Race Corp")
    PartnerFactory(name="race corp")
    client.force_login(staff())

    response = client.post(
        reverse("partners:application_review", args=[application.pk]), {"decision": "approve"}
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    application.refresh_from_db()
    assert application.is_pending
    assert not Membership.objects.exists()


def test_the_applicant_sees_the_decision_on_the_apply_page(client):
    application = ApplicationFactory(
        status=Application.Status.REJECTED, decision_message="Not a fit yet."
    )
    client.force_login(application.applicant)

    html = client.get(reverse("partners:apply")).content.decode()

    assert "Rejected" in html
    assert "Not a fit yet." in html


def test_staff_find_the_queue_from_the_directory(client):
    ApplicationFactory.create_batch(2)
    directory = reverse("partners:directory")

    assert "Review applications" not in client.get(directory).content.decode()
    client.force_login(staff())
    assert "Review applications (2 pending)" in client.get(directory).content.decode()


def test_the_apply_page_limits_how_often_one_user_applies(client, monkeypatch):
    from cocreate.core.ratelimit import RateLimit
    from partners.views import applications as views

    monkeypatch.setattr(views, "APPLY_RATE", RateLimit(1, 3600))
    client.force_login(UserFactory())

    client.post(reverse("partners:apply"), VALID)
    response = client.post(reverse("partners:apply"), {**VALID, "name": "Second Org"}, follow=True)

    assert "Too many applications" in response.content.decode()
    assert list(Application.objects.values_list("name", flat=True)) == ["Kyoto Acoustics Lab"]
