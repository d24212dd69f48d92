"""Members manage their own organisation's profile, including its logo."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners import logos
from partners.models import Partner
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory, SupplyFactory

from .conftest import assert_logo_stored_as_bounded_png, image_upload

pytestmark = pytest.mark.django_db

PROFILE = {
    "kind": "oem",
    "country": "VN",
    "regions_served": ["asean", "DE"],
    "capabilities": ["pcb_assembly", "packaging"],
    "certifications": ["iso_9001", "rohs"],
    "description": "We **assemble** phones.",
    "website": "https://assembly.example",
}


@pytest.fixture
def member_client(client):
    member = UserFactory()
    partner = PartnerFactory(name="Assembly Co", members=[member])
    client.force_login(member)
    return client, partner


def manage_url(partner):
    return reverse("partners:profile", args=[partner.slug])


def test_a_member_edits_the_profile(member_client):
    client, partner = member_client

    response = client.post(manage_url(partner), PROFILE)

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.kind == "oem"
    assert partner.country.code == "VN"
    assert partner.regions_served == ["asean", "DE"]
    assert partner.capabilities == ["pcb_assembly", "packaging"]
    assert partner.certifications == ["iso_9001", "rohs"]
    assert partner.description_html == "<p>We <strong>assemble</strong> phones.</p>\n"
    assert partner.name == "Assembly Co"  # not a member's to change


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "QQ"}, "country"),
        ({"capabilities": ["time_travel"]}, "capabilities"),
        ({"certifications": ["iso_0000"]}, "certifications"),
        ({"regions_served": ["atlantis"]}, "regions_served"),
        ({"kind": ""}, "kind"),
    ],
)
def test_bad_input_is_reported_and_nothing_is_saved(member_client, change, field):
    client, partner = member_client

    response = client.post(manage_url(partner), {**PROFILE, **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    partner.refresh_from_db()
    assert partner.kind == "supplier"
    assert partner.capabilities == ["injection_moulding"]


def test_the_logo_is_re_encoded_as_a_bounded_png(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, partner = member_client

    client.post(
        manage_url(partner), {**PROFILE, "logo_upload": image_upload("logo.jpg", fmt="JPEG")}
    )

    assert_logo_stored_as_bounded_png(partner)
    html = client.get(partner.get_absolute_url()).content.decode()
    assert partner.logo.url in html


def test_removing_the_logo_deletes_the_file(
    member_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client, partner = member_client
    client.post(manage_url(partner), {**PROFILE, "logo_upload": image_upload()})
    partner.refresh_from_db()
    path = partner.logo.path

    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage_url(partner), {**PROFILE, "remove_logo": "on"})

    partner.refresh_from_db()
    assert not partner.logo
    assert not (tmp_path / path).exists()


def test_a_non_image_logo_is_refused(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, partner = member_client
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")

    response = client.post(manage_url(partner), {**PROFILE, "logo_upload": fake})

    assert "not an image we can read" in response.content.decode()
    partner.refresh_from_db()
    assert not partner.logo
    assert partner.kind == "supplier"  # nothing saved


def test_an_oversized_logo_is_refused(member_client, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(logos, "LOGO_MAX_BYTES", 1000)
    client, partner = member_client

    response = client.post(
        manage_url(partner), {**PROFILE, "logo_upload": image_upload(size=(300, 300), fmt="BMP")}
    )

    assert "the limit is 1000" in response.content.decode()
    partner.refresh_from_db()
    assert not partner.logo


def test_an_image_in_a_format_we_do_not_accept_is_refused(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, partner = member_client

    response = client.post(
        manage_url(partner),
        {**PROFILE, "logo_upload": image_upload("x.bmp", size=(20, 20), fmt="BMP")},
    )

    assert "Upload a PNG, JPEG, GIF or WebP image." in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "other user", "staff"])
def test_the_management_pages_are_404_to_non_members(client, who):
    partner = PartnerFactory()
    if who == "other user":
        client.force_login(UserFactory())
    elif who == "staff":
        client.force_login(staff())  # staff use the admin for other organisations

    for name in ("manage", "members", "catalog", "demand"):
        response = client.get(reverse(f"partners:{name}", args=[partner.slug]))
        assert response.status_code in ((302,) if who == "anonymous" else (404,)), name
    client.post(reverse("partners:profile", args=[partner.slug]), PROFILE)
    partner.refresh_from_db()
    assert partner.kind == "supplier"


def test_my_organisations_lists_each_membership(client):
    member = UserFactory()
    PartnerFactory(name="First Org", members=[member])
    PartnerFactory(name="Second Org", owners=[member], status=Partner.Status.PENDING)
    PartnerFactory(name="Not Mine")
    client.force_login(member)

    html = client.get(reverse("partners:mine")).content.decode()

    assert "First Org" in html and "Second Org" in html
    assert "Not Mine" not in html
    assert html.count('data-testid="my-partner"') == 2


def test_my_organisations_counts_members_and_parts_supplied(client):
    member = UserFactory()
    busy = PartnerFactory(name="Busy Org", owners=[member], members=UserFactory.create_batch(2))
    SupplyFactory.create_batch(4, partner=busy)
    PartnerFactory(name="New Org", members=[member])
    client.force_login(member)

    memberships = client.get(reverse("partners:mine")).context["memberships"]

    counts = {m.partner.name: (m.member_count, m.supply_count) for m in memberships}
    # Counted apart, not over one join (which would give 3 × 4 rows for Busy Org).
    assert counts == {"Busy Org": (3, 4), "New Org": (1, 0)}


def test_my_organisations_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    member = UserFactory()
    PartnerFactory.create_batch(2, members=[member])  # one alone goes straight to its dashboard
    client.force_login(member)
    # user, roles, unread count, memberships with partners and counts (the session comes from
    # the cache; the roles too the second time)
    with django_assert_num_queries(4):
        client.get(reverse("partners:mine"))
    for _ in range(5):
        PartnerFactory(members=[member])
    with django_assert_num_queries(3):
        client.get(reverse("partners:mine"))


def test_saving_the_profile_unchanged_keeps_every_field(member_client):
    # given a partner with a website, and the profile form as the page renders it
    client, partner = member_client
    form = client.get(manage_url(partner)).context["form"]
    unchanged = {
        name: form[name].value()
        for name in form.fields
        if name not in ("logo_upload", "remove_logo") and form[name].value() is not None
    }

    # when the member saves it without touching anything
    response = client.post(manage_url(partner), unchanged)

    # then nothing changed, the website included
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.website == "https://example.com"
    assert partner.country.code == "DE"
    assert partner.capabilities == ["injection_moulding"]
