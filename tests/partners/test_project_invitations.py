"""Joining a collaboration project takes the partner's consent: its managers invite, one of the
invited partner's owners accepts or declines (pages and services; the API in
test_project_invitations_api.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cocreate.notifications.models import Notification
from partners import selectors, services
from partners.models import CollaborationProject, Partner, ProjectInvitation
from partners.services import InvitationAnswered
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory, ProjectFactory
from tests.partners.test_projects import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="mia")


@pytest.fixture
def lab(manager):
    return PartnerFactory(name="A Labs", slug="a-labs", owners=[manager])


@pytest.fixture
def project(lab):
    return ProjectFactory(title="Cells", slug="cells", partners=[lab])


@pytest.fixture
def invitee_owner():
    return UserFactory(username="olga")


@pytest.fixture
def oem(invitee_owner):
    return PartnerFactory(name="Hengtai Battery", slug="hengtai", owners=[invitee_owner])


def invite(project, partner, by, message=""):
    return services.project_invite(project=project, partner=partner, by=by, message=message)


# --- Consent -----------------------------------------------------------------------------------


def test_an_invited_partner_is_not_on_the_project_until_an_owner_accepts(
    client, project, manager, oem, invitee_owner
):
    invitation = invite(project, oem, manager, "Join us on the pack.")

    assert list(project.partners.all()) == [project.partners.get()]  # only the lab
    assert "Hengtai Battery" not in client.get(project.get_absolute_url()).content.decode()
    assert "Hengtai Battery" not in client.get(reverse("partners:projects")).content.decode()
    assert [p["slug"] for p in client.get("/api/v1/projects/cells/").json()["partners"]] == [
        "a-labs"
    ]

    services.project_invitation_accept(invitation=invitation, by=invitee_owner)

    assert oem in project.partners.all()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decided_by) == ("accepted", invitee_owner)
    assert invitation.decided_at is not None
    assert "Hengtai Battery" in client.get(project.get_absolute_url()).content.decode()


def test_the_invited_partners_owners_are_notified_and_the_inviter_hears_the_answer(
    project, manager, oem, invitee_owner
):
    member = UserFactory()
    oem.memberships.create(user=member, role="member")

    invitation = invite(project, oem, manager, "Join us.")

    sent = Notification.objects.get(kind="partners.project_invitation")
    assert sent.recipient == invitee_owner  # owners only, not plain members
    assert "Hengtai Battery" in sent.title and "Cells" in sent.title
    assert sent.url == reverse("partners:project_invitation", args=["cells", invitation.pk])
    assert sent.body == "Join us."

    services.project_invitation_decline(invitation=invitation, by=invitee_owner)

    answer = Notification.objects.get(kind="partners.project_invitation_declined")
    assert answer.recipient == manager
    assert "declined" in answer.title


def test_the_invited_partners_owners_hear_when_the_invitation_is_withdrawn(
    project, manager, oem, invitee_owner
):
    invitation = invite(project, oem, manager)

    services.project_invitation_withdraw(invitation=invitation, by=manager)

    told = Notification.objects.get(kind="partners.project_invitation_withdrawn")
    assert told.recipient == invitee_owner
    assert "Hengtai Battery" in told.title and "Cells" in told.title
    assert told.url == reverse("partners:manage", args=[oem.slug])  # their dashboard


def test_a_notification_reads_in_the_recipients_language(project, manager, oem, invitee_owner):
    invitee_owner.language = "zh-hans"
    invitee_owner.save()

    invite(project, oem, manager)

    title = Notification.objects.get(kind="partners.project_invitation").title
    assert "Hengtai Battery" in title and "invited" not in title


def test_the_notification_kinds_are_in_the_projects_group():
    from cocreate.notifications.kinds import kind_group

    for kind in (
        "partners.project_invitation",
        "partners.project_invitation_accepted",
        "partners.project_invitation_declined",
        "partners.project_invitation_withdrawn",
    ):
        group = kind_group(kind)
        assert (group.name, group.position, group.default) == ("partners.projects", 55, "email")
        assert str(group.label) == "Collaboration projects"


def test_an_owner_accepts_on_the_invitation_page(client, project, manager, oem, invitee_owner):
    invitation = invite(project, oem, manager, "Pack and BMS.")
    url = reverse("partners:project_invitation", args=["cells", invitation.pk])
    client.force_login(invitee_owner)

    page = client.get(url)
    response = client.post(url, {"answer": "accept"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Cells" in html and "Pack and BMS." in html and 'value="accept"' in html
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert oem in project.partners.all()


def test_an_owner_declines_on_the_invitation_page(client, project, manager, oem, invitee_owner):
    invitation = invite(project, oem, manager)
    url = reverse("partners:project_invitation", args=["cells", invitation.pk])
    client.force_login(invitee_owner)

    client.post(url, {"answer": "decline"})

    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert oem not in project.partners.all()
    assert 'value="accept"' not in client.get(url).content.decode()


def test_the_partners_open_invitations_are_listed_for_its_dashboard(project, manager, oem):
    invitation = invite(project, oem, manager)
    other = ProjectFactory(partners=[PartnerFactory()])
    ProjectInvitation.objects.create(project=other, partner=oem, status="declined")

    assert list(selectors.open_project_invitations_of(oem)) == [invitation]


# --- The project page and the form -------------------------------------------------------------


def test_managers_invite_from_the_project_page_and_see_open_invitations(
    client, project, manager, oem
):
    client.force_login(manager)

    page = client.get(project.get_absolute_url()).content.decode()
    response = client.post(
        reverse("partners:project_invite", args=["cells"]),
        {"partner": "Hengtai Battery", "message": "Welcome"},
    )
    after = client.get(project.get_absolute_url()).content.decode()

    assert "Invite a partner" in page
    assert response.status_code == 302
    invitation = ProjectInvitation.objects.get()
    assert (invitation.partner, invitation.invited_by, invitation.message) == (
        oem,
        manager,
        "Welcome",
    )
    assert 'data-testid="open-invitation"' in after and "Hengtai Battery" in after
    assert oem not in project.partners.all()


def test_a_partner_can_be_invited_by_its_slug(client, project, manager, oem):
    client.force_login(manager)

    client.post(reverse("partners:project_invite", args=["cells"]), {"partner": "hengtai"})

    assert ProjectInvitation.objects.get().partner == oem


def test_managers_withdraw_an_invitation(client, project, manager, oem, invitee_owner):
    invitation = invite(project, oem, manager)
    client.force_login(manager)

    client.post(reverse("partners:project_invitation_withdraw", args=["cells", invitation.pk]))

    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    with pytest.raises(InvitationAnswered, match="already answered"):
        services.project_invitation_accept(invitation=invitation, by=invitee_owner)
    assert oem not in project.partners.all()


def test_people_without_a_say_see_no_invite_form(client, project, oem, invitee_owner):
    member = UserFactory()
    project.partners.get().memberships.create(user=member, role="member")

    for user in (None, member, invitee_owner):
        if user:
            client.force_login(user)
        html = client.get(project.get_absolute_url()).content.decode()
        assert "Invite a partner" not in html
    response = client.post(reverse("partners:project_invite", args=["cells"]), {"partner": "x"})
    assert response.status_code == 403


def test_an_invited_owner_sees_a_link_to_answer_on_a_public_projects_page(
    client, project, manager, oem, invitee_owner
):
    invite(project, oem, manager)
    client.force_login(invitee_owner)

    html = client.get(project.get_absolute_url()).content.decode()

    assert 'data-testid="my-project-invitation"' in html


def test_the_edit_form_invites_new_partners_and_lists_open_invitations(
    client, project, manager, lab, oem
):
    client.force_login(manager)
    edit = reverse("partners:project_edit", args=["cells"])

    client.post(edit, form_data([lab, oem], title="Cells"))
    form_html = client.get(edit).content.decode()

    assert list(project.partners.all()) == [lab]
    assert ProjectInvitation.objects.get().partner == oem
    assert 'data-testid="pending-invitations"' in form_html
    # Saving again with the invited partner still chosen invites no one twice.
    client.post(edit, form_data([lab, oem], title="Cells"))
    assert ProjectInvitation.objects.count() == 1


def test_a_manager_still_removes_a_partner_on_the_project(client, project, manager, lab, oem):
    project.partners.add(oem)
    client.force_login(manager)

    client.post(reverse("partners:project_edit", args=["cells"]), form_data([lab]))

    assert list(project.partners.all()) == [lab]


def test_a_non_staff_editor_cannot_edit_themselves_out(client, project, manager, lab, oem):
    project.partners.add(oem)
    client.force_login(manager)

    response = client.post(reverse("partners:project_edit", args=["cells"]), form_data([oem]))

    assert "Include at least one organisation you own." in response.content.decode()
    assert set(project.partners.all()) == {lab, oem}


def test_a_non_staff_editor_cannot_stay_only_through_an_invitation(client, project, manager, lab):
    """Swapping their own partner for another one they own but that is only invited is
    refused: the invited one is not on the project yet."""
    mine_too = PartnerFactory(owners=[manager])
    client.force_login(manager)

    response = client.post(reverse("partners:project_edit", args=["cells"]), form_data([mine_too]))

    assert response.context["form"].errors == {
        "partners": ["Include at least one organisation you own."]
    }
    assert list(project.partners.all()) == [lab]


def test_staff_creating_a_project_invite_every_partner(client, lab, oem):
    client.force_login(staff())

    client.post(reverse("partners:project_create"), form_data([lab, oem]))

    project = CollaborationProject.objects.get()
    assert not project.partners.exists()
    assert {i.partner for i in project.invitations.filter(status="pending")} == {lab, oem}


def test_staff_save_a_project_with_invitations_only(client, lab, oem):
    admin = staff()
    project = services.project_create(
        created_by=admin, partners=[oem], title="Cells", kind="joint_rnd", summary="S."
    )
    client.force_login(admin)

    response = client.post(
        reverse("partners:project_edit", args=[project.slug]), form_data([], title="Renamed")
    )

    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.title == "Renamed"


def test_a_project_needs_a_partner_or_an_invitation(client):
    client.force_login(staff())

    response = client.post(reverse("partners:project_create"), form_data([]))

    assert "A project needs at least one partner." in response.content.decode()
    assert not CollaborationProject.objects.exists()


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Partner.Status.SUSPENDED, "is suspended"),
        (Partner.Status.PENDING, "is not active in the directory yet"),
    ],
)
def test_a_partner_that_is_not_active_cannot_be_invited(client, project, manager, status, message):
    partner = PartnerFactory(name="Quiet Co", status=status)
    client.force_login(manager)

    with pytest.raises(ValidationError, match=message):
        invite(project, partner, manager)
    response = client.post(
        reverse("partners:project_invite", args=["cells"]), {"partner": "Quiet Co"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProjectInvitation.objects.exists()


def test_a_partner_on_the_project_or_invited_already_is_refused(client, project, manager, lab, oem):
    invite(project, oem, manager)
    client.force_login(manager)

    with pytest.raises(ValidationError, match="already on the project"):
        invite(project, lab, manager)
    with pytest.raises(ValidationError, match="already has an open invitation"):
        invite(project, oem, manager)
    response = client.post(
        reverse("partners:project_invite", args=["cells"]), {"partner": "hengtai"}
    )
    unknown = client.post(reverse("partners:project_invite", args=["cells"]), {"partner": "Nobody"})

    assert "already has an open invitation" in response.content.decode()
    assert "No partner in the directory is called" in unknown.content.decode()
    assert ProjectInvitation.objects.count() == 1


def test_a_declined_or_withdrawn_partner_can_be_invited_again(project, manager, oem, invitee_owner):
    first = invite(project, oem, manager)
    services.project_invitation_decline(invitation=first, by=invitee_owner)

    second = invite(project, oem, manager)

    assert second.pk != first.pk and second.is_pending


def test_only_an_owner_of_the_invited_partner_answers(project, manager, oem):
    invitation = invite(project, oem, manager)
    plain_member = UserFactory()
    oem.memberships.create(user=plain_member, role="member")
    other_owner = UserFactory()
    PartnerFactory(owners=[other_owner])

    for user in (manager, plain_member, other_owner, staff()):
        with pytest.raises(PermissionDenied, match="Only the owners of Hengtai Battery"):
            services.project_invitation_accept(invitation=invitation, by=user)
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert oem not in project.partners.all()


def test_an_owner_of_another_partner_gets_404_and_a_manager_403_on_the_page(
    client, project, manager, oem
):
    invitation = invite(project, oem, manager)
    url = reverse("partners:project_invitation", args=["cells", invitation.pk])
    other_owner = UserFactory()
    PartnerFactory(owners=[other_owner])

    client.force_login(other_owner)
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    client.force_login(manager)
    page = client.get(url)
    refused = client.post(url, {"answer": "accept"})

    assert page.status_code == 200 and 'value="accept"' not in page.content.decode()
    assert refused.status_code == 403
    assert "Only the owners of Hengtai Battery" in refused.content.decode()
    assert oem not in project.partners.all()


def test_a_suspended_partners_owner_cannot_accept(project, manager, oem, invitee_owner):
    invitation = invite(project, oem, manager)
    Partner.objects.filter(pk=oem.pk).update(status=Partner.Status.SUSPENDED)

    with pytest.raises(PermissionDenied, match="is suspended"):
        services.project_invitation_accept(invitation=invitation, by=invitee_owner)
    assert not project.partners.filter(pk=oem.pk).exists()


@pytest.mark.parametrize("first", ["accept", "decline", "withdraw"])
def test_an_answered_invitation_cannot_be_answered_again(
    client, project, manager, oem, invitee_owner, first
):
    invitation = invite(project, oem, manager)
    if first == "withdraw":
        services.project_invitation_withdraw(invitation=invitation, by=manager)
    else:
        getattr(services, f"project_invitation_{first}")(invitation=invitation, by=invitee_owner)
    client.force_login(invitee_owner)

    with pytest.raises(ValidationError, match="already answered"):
        services.project_invitation_accept(invitation=invitation, by=invitee_owner)
    with pytest.raises(ValidationError, match="already answered"):
        services.project_invitation_decline(invitation=invitation, by=invitee_owner)
    with pytest.raises(ValidationError, match="already answered"):
        services.project_invitation_withdraw(invitation=invitation, by=manager)
    url = reverse("partners:project_invitation", args=["cells", invitation.pk])
    response = client.post(url, {"answer": "accept"}, follow=True)

    assert "already answered" in response.content.decode()
    assert project.partners.filter(pk=oem.pk).count() == (1 if first == "accept" else 0)


def test_only_managers_invite_or_withdraw(project, manager, oem, invitee_owner):
    invitation = invite(project, oem, manager)
    other = PartnerFactory()

    with pytest.raises(PermissionDenied):
        invite(project, other, invitee_owner)
    with pytest.raises(PermissionDenied):
        services.project_invitation_withdraw(invitation=invitation, by=invitee_owner)


def test_inviting_is_rate_limited(project, manager, monkeypatch):
    from cocreate.core.ratelimit import RateLimit, RateLimited
    from partners.services import project_invitations

    monkeypatch.setattr(project_invitations, "PROJECT_INVITE_RATE", RateLimit(1, 60))
    invite(project, PartnerFactory(), manager)

    with pytest.raises(RateLimited):
        invite(project, PartnerFactory(), manager)


def test_the_project_form_counts_its_invitations_too(client, project, manager, lab, monkeypatch):
    from cocreate.core.ratelimit import RateLimit
    from partners.services import project_invitations

    monkeypatch.setattr(project_invitations, "PROJECT_INVITE_RATE", RateLimit(1, 60))
    client.force_login(manager)
    edit = reverse("partners:project_edit", args=["cells"])

    client.post(edit, form_data([lab, PartnerFactory()], title="Cells"))
    response = client.post(edit, form_data([lab, PartnerFactory()], title="Cells"))

    assert response.status_code == 429
    assert ProjectInvitation.objects.count() == 1
