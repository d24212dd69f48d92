"""Staff manage partners in the Django admin with the same rules members and owners follow."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners import logos
from partners.models import Invitation, Membership, Partner
from partners.tasks import send_invitation_email
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory

from .conftest import assert_logo_stored_as_bounded_png, image_upload

pytestmark = pytest.mark.django_db

INLINES = ("memberships", "supplies", "provisions")


def inline_management(**rows) -> dict:
    """The management forms of the partner page's inlines, with `rows[prefix]` initial forms."""
    data = {}
    for prefix in INLINES:
        initial = rows.get(prefix, 0)
        data |= {
            f"{prefix}-TOTAL_FORMS": str(initial),
            f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def partner_form(**changes) -> dict:
    return {
        "name": "Lotus Optics",
        "slug": "lotus-optics",
        "kind": "supplier",
        "country": "SG",
        "capabilities": ["optics"],
        "status": "active",
        "description_en": "Lenses.",  # each language side by side (partners/translation.py)
        "website": "https://lotus.example",
        **inline_management(),
        **changes,
    }


@pytest.fixture
def staff_client(client):
    client.force_login(staff())
    return client


# --- Partner --------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["mine", "apply", "projects"])
def test_a_reserved_slug_is_refused(staff_client, slug):
    response = staff_client.post(reverse("admin:partners_partner_add"), partner_form(slug=slug))

    assert response.status_code == 200
    assert "is reserved for a page of the directory" in response.content.decode()
    assert not Partner.objects.exists()


def test_the_reserved_slug_rule_is_the_models():
    partner = PartnerFactory.build(slug="mine")

    with pytest.raises(ValidationError) as error:
        partner.full_clean()

    assert "slug" in error.value.message_dict


def test_a_member_added_in_the_admin_gets_the_partner_member_role(staff_client):
    partner = PartnerFactory()
    person = UserFactory()  # a customer: no partner_member role yet
    assert not person.is_partner_member

    response = staff_client.post(
        reverse("admin:partners_partner_change", args=[partner.pk]),
        partner_form(
            name=partner.name,
            slug=partner.slug,
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-0-user": str(person.pk),
                "memberships-0-role": "member",
                "memberships-0-partner": str(partner.pk),
            },
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Membership.objects.get(partner=partner).user == person
    person.__dict__.pop("role_names", None)
    assert person.is_partner_member
    html = staff_client.get(reverse("admin:partners_partner_change", args=[partner.pk]))
    assert html.status_code == 200


def membership_rows(partner, **changes) -> dict:
    """The partner's memberships as the inline posts them back, with `changes` on top."""
    rows = {}
    memberships = list(partner.memberships.order_by("pk"))
    for index, membership in enumerate(memberships):
        rows |= {
            f"memberships-{index}-id": str(membership.pk),
            f"memberships-{index}-partner": str(partner.pk),
            f"memberships-{index}-user": str(membership.user_id),
            f"memberships-{index}-role": membership.role,
        }
    rows |= {
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
    }
    return partner_form(name=partner.name, slug=partner.slug, **(rows | changes))


@pytest.fixture
def owner_and_member():
    """A partner with one owner and one member: (owner, member, partner)."""
    owner, member = UserFactory(), UserFactory()
    partner = PartnerFactory(owners=[owner])
    Membership.objects.create(partner=partner, user=member)
    return owner, member, partner


def test_staff_promote_a_member_to_owner_in_the_admin(staff_client, owner_and_member):
    owner, member, partner = owner_and_member

    response = staff_client.post(
        reverse("admin:partners_partner_change", args=[partner.pk]),
        membership_rows(partner, **{"memberships-1-role": "owner"}),
    )

    assert response.status_code == 302
    roles = dict(partner.memberships.values_list("user_id", "role"))
    assert roles == {owner.pk: "owner", member.pk: "owner"}


@pytest.mark.parametrize(
    "change",
    [{"memberships-0-role": "member"}, {"memberships-0-DELETE": "on"}],
    ids=["demoted", "deleted"],
)
def test_the_last_owner_cannot_be_demoted_or_deleted_in_the_admin(
    staff_client, owner_and_member, change
):
    owner, member, partner = owner_and_member

    response = staff_client.post(
        reverse("admin:partners_partner_change", args=[partner.pk]),
        membership_rows(partner, **change),
    )

    assert response.status_code == 200
    assert "An organisation needs at least one owner." in response.content.decode()
    assert partner.memberships.get(user=owner).role == "owner"


def test_handing_ownership_over_in_one_save_is_allowed(staff_client, owner_and_member):
    owner, member, partner = owner_and_member

    response = staff_client.post(
        reverse("admin:partners_partner_change", args=[partner.pk]),
        membership_rows(partner, **{"memberships-0-role": "member", "memberships-1-role": "owner"}),
    )

    assert response.status_code == 302
    assert list(partner.memberships.filter(role="owner").values_list("user_id", flat=True)) == [
        member.pk
    ]


def test_a_logo_uploaded_in_the_admin_is_re_encoded_like_members_uploads(
    staff_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    partner = PartnerFactory()

    response = staff_client.post(
        reverse("admin:partners_partner_change", args=[partner.pk]),
        partner_form(
            name=partner.name, slug=partner.slug, logo=image_upload("big.jpg", fmt="JPEG")
        ),
    )

    assert response.status_code == 302
    assert_logo_stored_as_bounded_png(partner)


@pytest.mark.parametrize(
    ("upload", "limit", "message"),
    [
        (lambda: image_upload("x.bmp", size=(20, 20), fmt="BMP"), None, "Upload a PNG, JPEG"),
        (lambda: image_upload(size=(300, 300), fmt="TIFF"), 1000, "the limit is 1000"),
    ],
    ids=["format", "size"],
)
def test_a_logo_members_could_not_upload_is_refused_in_the_admin(
    staff_client, settings, tmp_path, monkeypatch, upload, limit, message
):
    settings.MEDIA_ROOT = tmp_path
    if limit:
        monkeypatch.setattr(logos, "LOGO_MAX_BYTES", limit)
    partner = PartnerFactory()

    response = staff_client.post(
        reverse("admin:partners_partner_change", args=[partner.pk]),
        partner_form(name=partner.name, slug=partner.slug, logo=upload()),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    partner.refresh_from_db()
    assert not partner.logo


# --- Invitations ----------------------------------------------------------------------------------


def add_invitation(client, partner, email, role="member"):
    return client.post(
        reverse("admin:partners_invitation_add"),
        {"partner": partner.pk, "email": email, "role": role},
    )


def test_staff_invite_through_the_service_token_expiry_and_email(
    staff_client, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Hanbit Display")

    with django_capture_on_commit_callbacks() as callbacks:
        response = add_invitation(staff_client, partner, "new@example.com")

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert len(invitation.token) >= 40
    assert invitation.expires_at > invitation.created_at
    assert invitation.invited_by.is_staff
    assert len(callbacks) == 1  # the e-mail is queued once the invitation is committed
    assert send_invitation_email(invitation.pk) is True
    assert mail.outbox[0].to == ["new@example.com"]
    assert invitation.get_absolute_url() in mail.outbox[0].body


def test_a_second_invitation_added_in_the_admin_is_not_an_error(staff_client):
    partner = PartnerFactory()

    first = add_invitation(staff_client, partner, "one@example.com")
    second = add_invitation(staff_client, partner, "two@example.com")

    assert (first.status_code, second.status_code) == (302, 302)
    tokens = set(Invitation.objects.values_list("token", flat=True))
    assert len(tokens) == 2 and "" not in tokens


@pytest.mark.parametrize("email", ["OPEN@example.com", "member@example.com"])
def test_an_address_with_an_open_invitation_or_a_membership_is_a_form_error(staff_client, email):
    partner = PartnerFactory(members=[UserFactory(email="member@example.com")])
    add_invitation(staff_client, partner, "open@example.com")

    response = add_invitation(staff_client, partner, email)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert Invitation.objects.count() == 1


def test_an_invitation_keeps_its_address_and_partner_once_sent(staff_client):
    partner = PartnerFactory()
    add_invitation(staff_client, partner, "one@example.com")
    invitation = Invitation.objects.get()

    form = staff_client.get(reverse("admin:partners_invitation_change", args=[invitation.pk]))

    assert form.status_code == 200
    fields = form.context["adminform"].form.fields
    assert "email" not in fields and "partner" not in fields and "role" in fields
