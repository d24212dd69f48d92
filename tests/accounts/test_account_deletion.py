"""Delete my account: personal data erased, the row kept as an anonymised "former member"."""

import re
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cocreate.accounts import services
from cocreate.accounts.models import ApiToken, AuditLogEntry, DataExport, User
from cocreate.accounts.tasks import build_data_export
from cocreate.accounts.tokens import api_token_create
from cocreate.core.errors import StateConflict
from cocreate.notifications.models import Notification
from community.models import Comment, Follow, Post, Vote
from community.services import comment_create, vote_cast
from partners.models import Membership
from products.models import Registration
from tests.factories.accounts import customer, staff
from tests.factories.community import PostFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.partners import PartnerFactory
from tests.factories.products import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Services' messages in English; a page served in Chinese leaves its language active in
    this thread, which this resets after each test."""
    with translation.override("en"):
        yield


@pytest.fixture
def alice():
    return customer(username="alice", email="alice@example.com", display_name="Alice Liddell")


def session_of(user) -> str:
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session.create()
    return session.session_key


def test_deletion_erases_personal_data_and_keeps_a_tombstone(alice, private_files):
    # Given Alice's registrations, tokens, notifications, follows, sessions and a membership
    RegistrationFactory(customer=alice)
    api_token_create(user=alice, name="ERP sync")
    NotificationFactory(recipient=alice)
    PartnerFactory(members=[alice])
    post = PostFactory()
    vote_cast(user=alice, post=post)  # she follows what she votes for
    hers, someone_elses = session_of(alice), session_of(customer(username="bob"))

    # When she deletes her account
    services.account_delete(user=alice, actor=alice)

    # Then what was hers is gone, and the row is an anonymised, inactive tombstone
    alice.refresh_from_db()
    assert alice.username.startswith("former-member-")
    assert (alice.email, alice.display_name, alice.first_name, alice.bio) == ("", "", "", "")
    assert not alice.is_active and not alice.has_usable_password()
    assert alice.is_former_member and alice.public_name == "a former member"
    assert not alice.groups.exists()
    assert not Registration.objects.filter(customer=alice).exists()
    assert not ApiToken.objects.filter(user=alice).exists()
    assert not Notification.objects.filter(recipient=alice).exists()
    assert not Membership.objects.filter(user=alice).exists()
    assert not Follow.objects.filter(user=alice).exists()
    assert not Session.objects.filter(session_key=hers).exists()
    assert Session.objects.filter(session_key=someone_elses).exists()
    entry = AuditLogEntry.objects.get(action="account_deleted")
    assert entry.subject == alice and entry.actor == alice


def test_posts_comments_and_votes_stay_shown_as_a_former_member(client, alice, private_files):
    # Given Alice's post, her comment and her vote on Bob's post
    mine = PostFactory(author=alice, title="A quieter fan")
    bobs = PostFactory(author=customer(username="bob"), product=mine.product)
    comment_create(post=bobs, author=alice, body="Same here, please")
    vote_cast(user=alice, post=bobs)

    # When she deletes her account
    services.account_delete(user=alice, actor=alice)

    # Then her post, comment and vote stay and count
    assert Post.objects.filter(pk=mine.pk, author=alice).exists()
    assert Comment.objects.filter(post=bobs, author=alice).exists()
    assert Vote.objects.filter(post=bobs).count() == 1
    bobs.refresh_from_db()
    assert (bobs.vote_count, bobs.comment_count) == (1, 1)
    # And the pages name her "a former member", without a link to a profile
    page = client.get(bobs.get_absolute_url()).content.decode()
    assert "a former member" in page and "Alice Liddell" not in page
    assert reverse("community:profile", args=[alice.username]) not in page
    own = client.get(mine.get_absolute_url()).content.decode()
    assert "A quieter fan" in own and "a former member" in own
    # And so does the API
    api = client.get(f"/api/v1/posts/{mine.pk}/").json()
    assert api["author"]["name"] == "a former member"


def test_the_former_member_shows_in_chinese_for_a_chinese_reader(client, alice, private_files):
    post = PostFactory(author=alice)
    services.account_delete(user=alice, actor=alice)
    client.force_login(customer(username="li", language="zh-hans"))

    assert "一位前成员" in client.get(post.get_absolute_url()).content.decode()


def test_the_last_owner_of_a_partner_must_hand_it_over_first(alice, private_files):
    # Given Alice is the only owner of one partner, and one of two owners of another
    PartnerFactory(name="Aurora Parts GmbH", owners=[alice])
    PartnerFactory(name="Shared Labs", owners=[alice, customer(username="bob")])

    # When she tries to delete her account
    with pytest.raises(StateConflict) as refusal:
        services.account_delete(user=alice, actor=alice)

    # Then she is told which organisation needs another owner, and nothing was erased
    assert "last owner of Aurora Parts GmbH" in refusal.value.messages[0]
    assert "Shared Labs" not in refusal.value.messages[0]
    alice.refresh_from_db()
    assert alice.is_active and not alice.is_former_member
    assert Membership.objects.filter(user=alice).count() == 2


def test_deletion_is_refused_while_a_data_export_of_the_account_runs(alice, private_files):
    # Given a data export asked for and not built yet
    export = services.data_export_request(user=alice, requested_by=alice)

    # When she deletes her account meanwhile, it is refused with a clear message
    with pytest.raises(StateConflict, match="being made. Wait until it is ready"):
        services.account_delete(user=alice, actor=alice)

    # And once it is ready, deletion goes ahead and removes the export and its file
    build_data_export(export.pk)
    services.account_delete(user=alice, actor=alice)
    assert not DataExport.objects.filter(user=alice).exists()


def test_a_deleted_account_cannot_ask_for_an_export_or_be_deleted_again(alice, private_files):
    services.account_delete(user=alice, actor=alice)

    with pytest.raises(StateConflict):
        services.data_export_request(user=alice, requested_by=alice)
    with pytest.raises(StateConflict):
        services.account_delete(user=alice, actor=alice)


def test_the_page_asks_for_the_password_then_signs_out(client, alice, private_files):
    client.force_login(alice)
    url = reverse("account_delete")

    # A wrong password is refused and deletes nothing
    wrong = client.post(url, {"password": "not-hers"})
    assert wrong.status_code == 400
    assert "That is not your password." in wrong.content.decode()
    alice.refresh_from_db()
    assert alice.is_active

    # The right one deletes the account and signs her out
    response = client.post(url, {"password": settings.DEMO_PASSWORD}, follow=True)
    assert "Your account was deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert User.objects.get(pk=alice.pk).is_former_member
    assert not client.login(username="alice", password=settings.DEMO_PASSWORD)


def test_the_page_shows_the_last_owner_refusal(client, alice, private_files):
    PartnerFactory(name="Aurora Parts GmbH", owners=[alice])
    client.force_login(alice)

    response = client.post(reverse("account_delete"), {"password": settings.DEMO_PASSWORD})

    assert response.status_code == 400
    assert "You are the last owner of Aurora Parts GmbH" in response.content.decode()


def test_the_page_shows_the_refusal_while_an_export_runs(client, alice, private_files):
    services.data_export_request(user=alice, requested_by=alice)
    client.force_login(alice)

    response = client.post(reverse("account_delete"), {"password": settings.DEMO_PASSWORD})

    assert response.status_code == 400
    assert "Wait until it is ready" in response.content.decode()


class TestStaffAdmin:
    def test_export_action_starts_an_export_for_the_person_and_audits_it(
        self, client, alice, private_files
    ):
        admin = staff(username="root")
        client.force_login(admin)

        client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "export_personal_data", "_selected_action": [alice.pk]},
        )

        export = DataExport.objects.get(user=alice)
        assert export.requested_by == admin
        entry = AuditLogEntry.objects.get()
        assert (entry.action, entry.subject, entry.actor) == ("export_requested", alice, admin)

    def test_delete_action_asks_then_deletes_and_audits(self, client, alice, private_files):
        admin = staff(username="root")
        client.force_login(admin)
        url = reverse("admin:accounts_user_changelist")
        data = {"action": "delete_account", "_selected_action": [alice.pk]}

        confirm = client.post(url, data)
        assert confirm.status_code == 200 and "alice@example.com" in confirm.content.decode()
        alice.refresh_from_db()
        assert alice.is_active

        client.post(url, {**data, "confirmed": "yes"})
        alice.refresh_from_db()
        assert alice.is_former_member
        entry = AuditLogEntry.objects.get()
        assert (entry.action, entry.subject, entry.actor) == ("account_deleted", alice, admin)

    def test_delete_action_reports_a_refusal(self, client, alice, private_files):
        PartnerFactory(name="Aurora Parts GmbH", owners=[alice])
        client.force_login(staff(username="root"))

        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_account", "_selected_action": [alice.pk], "confirmed": "yes"},
            follow=True,
        )

        assert "last owner of Aurora Parts GmbH" in response.content.decode()
        assert not AuditLogEntry.objects.exists()

    def test_the_audit_log_is_read_only_and_lists_in_bounded_queries(
        self, client, private_files, django_assert_max_num_queries
    ):
        admin = staff(username="root")
        client.force_login(admin)
        url = reverse("admin:accounts_auditlogentry_changelist")

        def count_queries(people: int) -> int:
            for n in range(people):
                person = customer(username=f"p{people}-{n}")
                services.account_delete(user=person, actor=admin)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        assert count_queries(2) == count_queries(8)
        assert client.get(reverse("admin:accounts_auditlogentry_add")).status_code == 403


def test_a_former_member_is_notified_of_nothing_any_more(alice, private_files):
    # Given Alice voted for a post and then deleted her account (her vote stays)
    from cocreate.notifications.services import notification_send

    post = PostFactory()
    vote_cast(user=alice, post=post)
    services.account_delete(user=alice, actor=alice)
    bob = customer(username="bob")

    # When the post's voters are told it shipped
    notification_send(recipients=[alice, bob], kind="product.shipped", title="Shipped")

    # Then only the people still here hear of it
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["bob"]


def test_deletion_forgets_how_the_person_signed_in(alice, private_files):
    """allauth's rows: the addresses, linked social and company accounts, second factors and
    the list of sessions."""
    SocialAccount.objects.create(user=alice, provider="github", uid="4242")
    Authenticator.objects.create(user=alice, type=Authenticator.Type.RECOVERY_CODES, data={})
    UserSession.objects.create(user=alice, session_key=session_of(alice), ip="192.0.2.7")
    assert EmailAddress.objects.filter(user=alice, email="alice@example.com").exists()

    services.account_delete(user=alice, actor=alice)

    for model in (EmailAddress, SocialAccount, Authenticator, UserSession):
        assert not model.objects.filter(user=alice).exists(), model.__name__


def test_an_account_without_a_password_confirms_by_an_emailed_code_then_is_deleted(
    client, private_files, settings
):
    """Signed in through a company or social account, there is no password to type: allauth
    asks for a code it e-mails to the verified address (or the second factor), then carries
    out the deletion it held back."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sso = customer(username="sso", email="sso@example.com")
    sso.set_unusable_password()
    sso.save()
    client.force_login(sso)

    asked = client.post(reverse("account_delete"), {})

    assert asked.status_code == 302 and "/reauthenticate/" in asked.url
    sso.refresh_from_db()
    assert sso.is_active
    confirm = client.post(asked.url, {"recipient": "sso@example.com"})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    done = client.post(confirm.url, {"code": code}, follow=True)  # the deletion goes on

    assert "Your account was deleted." in done.content.decode()
    assert User.objects.get(pk=sso.pk).is_former_member
