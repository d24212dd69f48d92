"""Owners invite members by e-mail; invitees accept; owners and members manage the team."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cocreate.notifications.models import Notification
from cocreate.outbox.services import outbox_publish_due
from partners.models import Invitation, Membership
from partners.tasks import send_invitation_email
from tests.broker import queued_tasks
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory(username="olivia")


@pytest.fixture
def partner(owner):
    return PartnerFactory(name="Hanbit Display", owners=[owner])


def invite(client, partner, email="new@example.com", role="member"):
    return client.post(
        reverse("partners:members", args=[partner.slug]), {"email": email, "role": role}
    )


def test_an_owner_invites_by_email(client, owner, partner, django_capture_on_commit_callbacks):
    client.force_login(owner)

    with django_capture_on_commit_callbacks() as callbacks:
        response = invite(client, partner)

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.com"
    assert invitation.invited_by == owner
    assert len(invitation.token) >= 40
    assert len(callbacks) == 1  # the e-mail goes out once the invitation is committed

    assert send_invitation_email(invitation.pk) is True
    assert send_invitation_email(invitation.pk) is False  # a retry sends nothing twice
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    assert "Hanbit Display" in message.subject
    assert invitation.get_absolute_url() in message.body


@pytest.mark.parametrize(
    ("invitee_zone", "zone_shown"),
    [(None, "(CST)"), ("America/New_York", "(EST)")],
    ids=["not signed up: the inviter's zone", "signed up: their own zone"],
)
def test_the_invitation_email_gives_the_expiry_in_the_readers_time_zone(
    client, partner, invitee_zone, zone_shown
):
    inviter = UserFactory(time_zone="Asia/Shanghai")
    partner.memberships.create(user=inviter, role=Membership.Role.OWNER)
    if invitee_zone:
        UserFactory(email="new@example.com", time_zone=invitee_zone)
    client.force_login(inviter)
    invite(client, partner)
    invitation = Invitation.objects.get()

    send_invitation_email(invitation.pk)

    zone = invitee_zone or "Asia/Shanghai"
    expires = timezone.localtime(invitation.expires_at, ZoneInfo(zone))
    (message,) = mail.outbox
    assert f"{date_format(expires, 'DATETIME_FORMAT')} {zone_shown}" in message.body


def test_an_existing_user_is_also_notified_in_the_app(client, owner, partner):
    invitee = UserFactory(email="known@example.com")
    client.force_login(owner)

    invite(client, partner, email="Known@Example.com")

    notification = Notification.objects.get(recipient=invitee)
    assert notification.url == Invitation.objects.get().get_absolute_url()


def test_a_plain_member_cannot_invite(client, partner):
    member = UserFactory()
    Membership.objects.create(user=member, partner=partner)
    client.force_login(member)

    assert invite(client, partner).status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("email", ["olivia@example.com", "OPEN@example.com"])
def test_members_and_open_invitations_cannot_be_invited_again(client, owner, partner, email):
    client.force_login(owner)
    invite(client, partner, email="open@example.com")

    response = invite(client, partner, email=email)

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_gives_way_to_a_new_one(client, owner, partner):
    client.force_login(owner)
    invite(client, partner, email="late@example.com")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = Invitation.objects.get()

    response = invite(client, partner, email="Late@Example.com")

    assert response.status_code == 302
    renewed = Invitation.objects.get()
    assert renewed.pk != expired.pk and not renewed.is_expired()


def test_an_invalid_email_is_an_error(client, owner, partner):
    client.force_login(owner)

    response = invite(client, partner, email="not-an-address")

    assert "email" in response.context["form"].errors


def test_accepting_makes_a_member_with_the_partner_member_role(client, owner, partner):
    client.force_login(owner)
    invite(client, partner, role="owner")
    invitation = Invitation.objects.get()
    invitee = UserFactory(email="new@example.com")
    client.force_login(invitee)

    page = client.get(invitation.get_absolute_url())
    assert "Accept invitation" in page.content.decode()
    response = client.post(invitation.get_absolute_url())

    assert response.url == reverse("partners:manage", args=[partner.slug])
    membership = Membership.objects.get(user=invitee)
    assert membership.partner == partner
    assert membership.role == Membership.Role.OWNER
    invitee.__dict__.pop("role_names", None)
    assert invitee.is_partner_member
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    joined = Notification.objects.get(recipient=owner, kind="partners.invitation_accepted")
    assert joined.title == f"{invitee.public_name} joined Hanbit Display"


def test_an_invitation_works_once(client, owner, partner):
    client.force_login(owner)
    invite(client, partner)
    invitation = Invitation.objects.get()
    client.force_login(UserFactory(email="new@example.com"))
    client.post(invitation.get_absolute_url())
    latecomer = UserFactory()
    client.force_login(latecomer)

    response = client.post(invitation.get_absolute_url(), follow=True)

    assert "already used" in response.content.decode()
    assert not Membership.objects.filter(user=latecomer).exists()


def test_an_expired_invitation_is_refused(client, owner, partner):
    client.force_login(owner)
    invite(client, partner)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation = Invitation.objects.get()
    invitee = UserFactory(email="new@example.com")
    client.force_login(invitee)

    response = client.post(invitation.get_absolute_url(), follow=True)

    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_the_invitee_is_recognised_whatever_the_case_of_the_address(client, owner, partner):
    client.force_login(owner)
    invite(client, partner, email="Mei.Lin@Example.com")
    invitee = UserFactory(email="mei.lin@example.COM")
    client.force_login(invitee)

    response = client.post(Invitation.objects.get().get_absolute_url())

    assert response.status_code == 302
    assert Membership.objects.filter(user=invitee, partner=partner).exists()


@pytest.mark.parametrize("role", ["member", "owner"])
def test_someone_else_holding_the_link_cannot_join(client, owner, partner, role):
    client.force_login(owner)
    invite(client, partner, email="new@example.com", role=role)
    invitation = Invitation.objects.get()
    holder = UserFactory(email="forwarded@example.com")
    client.force_login(holder)

    page = client.get(invitation.get_absolute_url())
    response = client.post(invitation.get_absolute_url())

    assert page.status_code == 200
    assert "Accept invitation" not in page.content.decode()
    assert "sent to another e-mail address" in page.content.decode()
    assert response.status_code == 403
    html = response.content.decode()
    assert "sent to another e-mail address" in html and "(forwarded@example.com)" in html
    assert not Membership.objects.filter(user=holder).exists()
    invitation.refresh_from_db()
    assert not invitation.accepted  # still there for the invitee


def test_anonymous_visitors_are_sent_to_log_in_first(client, owner, partner):
    client.force_login(owner)
    invite(client, partner)
    client.logout()
    url = Invitation.objects.get().get_absolute_url()

    assert "Log in to accept" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_unknown_token_is_404(client):
    assert client.get(reverse("partners:invitation", args=["nope"])).status_code == 404


def test_the_owner_withdraws_an_invitation(client, owner, partner):
    client.force_login(owner)
    invite(client, partner)
    invitation = Invitation.objects.get()

    client.post(reverse("partners:invitation_revoke", args=[partner.slug, invitation.pk]))

    assert not Invitation.objects.exists()


def test_the_last_owner_cannot_leave_but_a_member_can(client, owner, partner):
    member = UserFactory()
    membership = Membership.objects.create(user=member, partner=partner)
    owner_membership = Membership.objects.get(user=owner)
    client.force_login(owner)

    response = client.post(
        reverse("partners:member_remove", args=[partner.slug, owner_membership.pk]), follow=True
    )
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=owner_membership.pk).exists()

    client.force_login(member)
    client.post(reverse("partners:member_remove", args=[partner.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_cannot_remove_someone_else(client, owner, partner):
    member = UserFactory()
    Membership.objects.create(user=member, partner=partner)
    client.force_login(member)

    response = client.post(
        reverse(
            "partners:member_remove", args=[partner.slug, Membership.objects.get(user=owner).pk]
        )
    )

    assert response.status_code == 403
    assert Membership.objects.filter(user=owner).exists()


def test_members_page_runs_a_fixed_number_of_queries(
    client, owner, partner, django_assert_num_queries
):
    client.force_login(owner)
    # user, roles, unread count, membership+partner, members, invitations (the session comes
    # from the cache; the roles too the second time)
    with django_assert_num_queries(6):
        client.get(reverse("partners:members", args=[partner.slug]))
    for n in range(4):
        Membership.objects.create(user=UserFactory(), partner=partner)
        invite(client, partner, email=f"person{n}@example.com")
    with django_assert_num_queries(5):
        client.get(reverse("partners:members", args=[partner.slug]))


@pytest.mark.django_db(transaction=True)
def test_an_invitation_made_while_the_broker_is_down_has_its_email_queued_once_it_is_back(
    client, owner, partner, own_broker
):
    client.force_login(owner)
    own_broker.stop()

    response = invite(client, partner)

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    own_broker.start()
    assert outbox_publish_due(older_than=timedelta(0)) == 1
    assert queued_tasks(own_broker.url, "email") == [
        (send_invitation_email.name, [invitation.pk], {})
    ]
