"""Staff suspend a partner to stop it acting: its members still see it, but change nothing."""

import pytest
from django.urls import reverse

from partners.models import CollaborationProject, Invitation, Membership, Partner, Supply
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory, ProjectFactory, SupplyFactory
from tests.factories.products import PartFactory

pytestmark = pytest.mark.django_db

SUSPENDED = "is suspended: its profile, members, catalog listing and projects cannot be changed"
PROFILE = {"kind": "oem", "country": "VN", "description": "Changed."}


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def partner(owner):
    return PartnerFactory(name="Paused Co", owners=[owner], status=Partner.Status.SUSPENDED)


def test_the_management_pages_say_the_partner_is_suspended(client, owner, partner):
    client.force_login(owner)

    profile = client.get(reverse("partners:profile", args=[partner.slug]))
    members = client.get(reverse("partners:members", args=[partner.slug]))

    assert profile.status_code == 200
    assert 'data-testid="suspended-notice"' in profile.content.decode()
    assert "Send invitation" not in members.content.decode()


def test_members_cannot_edit_the_profile(client, owner, partner):
    client.force_login(owner)

    response = client.post(reverse("partners:profile", args=[partner.slug]), PROFILE)

    assert response.status_code == 403
    assert f"Paused Co {SUSPENDED}" in response.content.decode()
    partner.refresh_from_db()
    assert (partner.kind, partner.description) == ("supplier", PartnerFactory.description)


def test_members_cannot_edit_the_profile_through_the_api(client, owner, partner):
    client.force_login(owner)

    response = client.patch(
        f"/api/v1/partners/{partner.slug}/", {"description": "x"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert SUSPENDED in response.json()["detail"]
    assert not Partner.objects.filter(description="x").exists()


def test_to_anyone_else_a_suspended_partner_is_404_on_the_api(client, partner):
    client.force_login(UserFactory())

    response = client.patch(
        f"/api/v1/partners/{partner.slug}/", {"description": "x"}, content_type="application/json"
    )

    assert response.status_code == 404


def test_owners_cannot_invite(client, owner, partner):
    client.force_login(owner)

    response = client.post(
        reverse("partners:members", args=[partner.slug]),
        {"email": "new@example.com", "role": "member"},
    )

    assert response.status_code == 403
    assert SUSPENDED in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invitation_sent_before_the_suspension_lets_no_one_in(client, owner):
    partner = PartnerFactory(name="Paused Co", owners=[owner])
    client.force_login(owner)
    client.post(
        reverse("partners:members", args=[partner.slug]),
        {"email": "new@example.com", "role": "member"},
    )
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.SUSPENDED)
    invitee = UserFactory(email="new@example.com")
    client.force_login(invitee)

    response = client.post(Invitation.objects.get().get_absolute_url())

    assert response.status_code == 403
    assert SUSPENDED in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_members_cannot_change_the_catalog_listing(client, owner, partner):
    supply = SupplyFactory(partner=partner)
    PartFactory(sku="NEW-1")
    client.force_login(owner)

    added = client.post(reverse("partners:catalog", args=[partner.slug]), {"supply-sku": "NEW-1"})
    removed = client.post(
        reverse("partners:catalog_remove", args=[partner.slug, "supplies", supply.pk])
    )

    assert (added.status_code, removed.status_code) == (403, 403)
    assert SUSPENDED in removed.content.decode()
    assert list(Supply.objects.all()) == [supply]


def test_owners_cannot_start_or_change_projects(client, owner, partner):
    project = ProjectFactory(title="Cells", partners=[partner])
    client.force_login(owner)

    new = client.get(reverse("partners:project_create"))
    edit = client.get(reverse("partners:project_edit", args=[project.slug]))
    listing = client.get(reverse("partners:projects"))
    page = client.get(project.get_absolute_url())

    assert (new.status_code, edit.status_code) == (403, 403)
    assert SUSPENDED in new.content.decode() and SUSPENDED in edit.content.decode()
    assert not listing.context["can_create"]
    assert "Edit project" not in page.content.decode()


def test_owners_cannot_start_or_change_projects_through_the_api(client, owner, partner):
    ProjectFactory(slug="cells", partners=[partner])
    client.force_login(owner)
    payload = {"title": "New", "kind": "joint_rnd", "summary": "S.", "partners": [partner.slug]}

    created = client.post("/api/v1/projects/", payload, content_type="application/json")
    changed = client.patch(
        "/api/v1/projects/cells/", {"status": "completed"}, content_type="application/json"
    )

    assert (created.status_code, changed.status_code) == (403, 403)
    assert SUSPENDED in created.json()["detail"] and SUSPENDED in changed.json()["detail"]
    assert CollaborationProject.objects.get().status == "active"


def test_owning_another_active_partner_still_lets_them_manage_its_projects(client, owner, partner):
    active = PartnerFactory(owners=[owner])
    project = ProjectFactory(slug="cells", partners=[partner, active])
    client.force_login(owner)

    response = client.patch(
        "/api/v1/projects/cells/", {"status": "completed"}, content_type="application/json"
    )

    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert project.status == "completed"
    assert set(project.partners.all()) == {partner, active}


def test_a_member_may_still_leave(client, partner):
    member = UserFactory()
    membership = Membership.objects.create(user=member, partner=partner)
    client.force_login(member)

    client.post(reverse("partners:member_remove", args=[partner.slug, membership.pk]))

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_new_project_form_starts_with_only_the_partners_they_may_act_for(
    client, owner, partner
):
    active = PartnerFactory(owners=[owner])
    client.force_login(owner)

    response = client.get(reverse("partners:project_create"))

    assert response.status_code == 200
    assert response.context["form"].initial["partners"] == [active.pk]
