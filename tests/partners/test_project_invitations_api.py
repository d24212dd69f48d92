"""/api/v1/projects/<slug>/invitations/: invite, list, accept, decline, withdraw; and two owners
accepting at once."""

import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import Partner, ProjectInvitation
from tests.concurrency import run_at_once
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory, ProjectFactory

INVITATIONS = "/api/v1/projects/cells/invitations/"


@pytest.fixture
def manager(db):
    return UserFactory()


@pytest.fixture
def project(manager):
    return ProjectFactory(slug="cells", partners=[PartnerFactory(slug="lab", owners=[manager])])


@pytest.fixture
def invitee_owner(db):
    return UserFactory()


@pytest.fixture
def oem(invitee_owner):
    return PartnerFactory(name="Hengtai", slug="oem", owners=[invitee_owner])


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.mark.django_db
def test_a_manager_invites_and_the_invited_owner_accepts(
    client, project, manager, oem, invitee_owner
):
    client.force_login(manager)
    created = post(client, INVITATIONS, {"partner": "oem", "message": "Join us"})

    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["partner"]["slug"], body["status"], body["message"]) == (
        "oem",
        "pending",
        "Join us",
    )
    assert body["page_url"] == f"/partners/projects/cells/invitations/{body['id']}/"
    assert [p["slug"] for p in client.get("/api/v1/projects/cells/").json()["partners"]] == ["lab"]

    client.force_login(invitee_owner)
    mine = client.get(INVITATIONS).json()
    accepted = post(client, f"{INVITATIONS}{body['id']}/accept/")

    assert [row["id"] for row in mine["results"]] == [body["id"]]
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert {p["slug"] for p in client.get("/api/v1/projects/cells/").json()["partners"]} == {
        "lab",
        "oem",
    }


@pytest.mark.django_db
def test_decline_and_withdraw(client, project, manager, oem, invitee_owner):
    first = services.project_invite(project=project, partner=oem, by=manager)
    client.force_login(invitee_owner)
    declined = post(client, f"{INVITATIONS}{first.pk}/decline/")
    second = services.project_invite(project=project, partner=oem, by=manager)
    client.force_login(manager)
    withdrawn = post(client, f"{INVITATIONS}{second.pk}/withdraw/")
    listed = client.get(INVITATIONS).json()

    assert declined.json()["status"] == "declined"
    assert withdrawn.json()["status"] == "withdrawn"
    assert {row["status"] for row in listed["results"]} == {"declined", "withdrawn"}
    assert not project.partners.filter(pk=oem.pk).exists()


@pytest.mark.django_db
def test_an_answered_invitation_is_a_409(client, project, manager, oem, invitee_owner):
    invitation = services.project_invite(project=project, partner=oem, by=manager)
    services.project_invitation_withdraw(invitation=invitation, by=manager)
    client.force_login(invitee_owner)

    response = post(client, f"{INVITATIONS}{invitation.pk}/accept/")

    assert response.status_code == 409
    assert "already answered" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"partner": "lab"}, "partner", "already on the project"),
        ({"partner": "paused"}, "partner", "is suspended"),
        ({"partner": "waiting"}, "partner", "is not active in the directory yet"),
        ({"partner": "nobody"}, "partner", ""),
        ({}, "partner", ""),
        ({"partner": "oem", "message": "x" * 501}, "message", ""),
    ],
)
def test_bad_invitations_are_400_with_the_field(client, project, manager, payload, field, message):
    PartnerFactory(slug="oem")
    PartnerFactory(slug="paused", status=Partner.Status.SUSPENDED)
    PartnerFactory(slug="waiting", status=Partner.Status.PENDING)
    client.force_login(manager)

    response = post(client, INVITATIONS, payload)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert message in " ".join(response.json()["errors"][field])
    assert not ProjectInvitation.objects.exists()


@pytest.mark.django_db
def test_a_second_open_invitation_is_refused(client, project, manager, oem):
    client.force_login(manager)
    post(client, INVITATIONS, {"partner": "oem"})

    response = post(client, INVITATIONS, {"partner": "oem"})

    assert response.status_code == 400
    assert "already has an open invitation" in response.json()["errors"]["partner"][0]


@pytest.mark.django_db
def test_who_may_do_what(client, project, manager, oem, invitee_owner):
    invitation = services.project_invite(project=project, partner=oem, by=manager)
    url = f"{INVITATIONS}{invitation.pk}/"
    outsider_owner = UserFactory()
    PartnerFactory(owners=[outsider_owner])

    assert client.get(INVITATIONS).status_code in (401, 403)
    client.force_login(outsider_owner)
    assert client.get(INVITATIONS).json()["results"] == []
    assert client.get(url).status_code == 404
    assert post(client, f"{url}accept/").status_code == 404
    invite = post(client, INVITATIONS, {"partner": "oem"})
    assert invite.status_code == 403 and "change it" in invite.json()["detail"]

    client.force_login(manager)
    refused = post(client, f"{url}accept/")
    assert refused.status_code == 403
    assert "Only the owners of Hengtai" in refused.json()["detail"]

    client.force_login(invitee_owner)
    assert post(client, f"{url}withdraw/").status_code == 403
    client.force_login(staff())
    assert len(client.get(INVITATIONS).json()["results"]) == 1
    invitation.refresh_from_db()
    assert invitation.is_pending


@pytest.mark.django_db
def test_a_private_projects_invitations_are_404_to_outsiders(client, manager):
    ProjectFactory(slug="cells", is_public=False, partners=[PartnerFactory(owners=[manager])])
    client.force_login(UserFactory())

    assert client.get(INVITATIONS).status_code == 404
    assert post(client, INVITATIONS, {"partner": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_schema_documents_the_invitation_endpoints(client):
    schema = client.get("/api/schema/").content.decode()

    for path in (
        "/api/v1/projects/{project_slug}/invitations/",
        "/api/v1/projects/{project_slug}/invitations/{id}/accept/",
        "/api/v1/projects/{project_slug}/invitations/{id}/decline/",
        "/api/v1/projects/{project_slug}/invitations/{id}/withdraw/",
    ):
        assert path in schema, path


@pytest.mark.django_db(transaction=True)
def test_two_owners_accepting_at_once_make_one_membership(manager, project):
    ada, bo = UserFactory(), UserFactory()
    oem = PartnerFactory(owners=[ada, bo])
    invitation = services.project_invite(project=project, partner=oem, by=manager)

    results, errors = run_at_once(
        [
            lambda by=by: services.project_invitation_accept(invitation=invitation, by=by)
            for by in (ada, bo)
        ]
    )

    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "already answered" in str(errors[0])
    assert project.partners.through.objects.filter(partner=oem).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_inviting_at_once_make_one_invitation(project, oem):
    ada, bo = UserFactory(), UserFactory()
    for user in (ada, bo):
        project.partners.add(PartnerFactory(owners=[user]))

    results, errors = run_at_once(
        [
            lambda by=by: services.project_invite(project=project, partner=oem, by=by)
            for by in (ada, bo)
        ]
    )

    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert ProjectInvitation.objects.filter(partner=oem, status="pending").count() == 1
