"""/api/v1/partners/, /api/v1/partners/applications/ and /api/v1/projects/."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from cocreate.accounts.tokens import api_token_create
from partners.models import Application, CollaborationProject, Membership, Partner
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import ApplicationFactory, PartnerFactory, ProjectFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

PARTNERS = "/api/v1/partners/"
APPLICATIONS = "/api/v1/partners/applications/"
PROJECTS = "/api/v1/projects/"


def multipart(data) -> bytes:
    return encode_multipart(BOUNDARY, data)


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


# --- Partners -------------------------------------------------------------------------------------


def test_list_is_public_paginated_and_shows_active_partners_only(client):
    PartnerFactory(slug="listed", country="KR", capabilities=["displays"])
    PartnerFactory(slug="waiting", status=Partner.Status.PENDING)

    body = client.get(PARTNERS).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert [row["slug"] for row in body["results"]] == ["listed"]
    row = body["results"][0]
    assert row["country"] == "KR"
    assert row["country_name"] == "South Korea"
    assert row["capabilities"] == ["displays"]
    assert row["page_url"] == "/partners/listed/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "logistics"}, ["freight"]),
        ({"country": "SG"}, ["freight"]),
        ({"capability": "optics"}, ["lens"]),
        ({"verified": "true"}, ["lens"]),
        ({"q": "lenses"}, ["lens"]),
        ({"serves": "FR"}, ["freight"]),
        ({"language": "zh-hans"}, ["freight"]),
        ({"language": "en", "country": "JP"}, ["lens"]),
    ],
)
def test_list_filters(client, params, expected):
    PartnerFactory(
        slug="lens", name="Lens Co", description="Camera lenses.", capabilities=["optics"],
        verified=True, country="JP", regions_served=["JP"],
    )  # fmt: skip
    PartnerFactory(
        slug="freight", name="Freight Co", kind="logistics", country="SG",
        regions_served=["global"], description="Shipping.", language="zh-hans",
    )  # fmt: skip

    assert slugs(client.get(PARTNERS, params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "pirate"},
        {"country": "XX"},
        {"capability": "magic"},
        {"verified": "maybe"},
        {"language": "klingon"},
    ],
)
def test_an_unknown_filter_value_is_a_400(client, params):
    response = client.get(PARTNERS, params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == set(params)


def test_retrieve_pending_is_404_except_for_members_and_staff(client):
    member = UserFactory()
    PartnerFactory(slug="waiting", status=Partner.Status.PENDING, members=[member])

    assert client.get(f"{PARTNERS}waiting/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"{PARTNERS}waiting/").status_code == 404
    client.force_login(member)
    assert client.get(f"{PARTNERS}waiting/").json()["status"] == "pending"
    client.force_login(staff())
    assert client.get(f"{PARTNERS}waiting/").status_code == 200


def test_a_member_patches_their_partner(client):
    member = UserFactory()
    PartnerFactory(slug="ours", name="Mine", members=[member])
    client.force_login(member)

    response = client.patch(
        f"{PARTNERS}ours/",
        {"capabilities": ["optics", "testing"], "regions_served": ["eu", "US"], "country": "FR"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["capabilities"] == ["optics", "testing"]
    partner = Partner.objects.get(slug="ours")
    assert partner.regions_served == ["eu", "US"]
    assert partner.country.code == "FR"


def test_a_member_uploads_a_logo_through_the_api(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = UserFactory()
    PartnerFactory(slug="ours", members=[member])
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "blue").save(buffer, format="GIF")
    client.force_login(member)

    response = client.patch(
        f"{PARTNERS}ours/",
        multipart(
            {"logo": SimpleUploadedFile("l.gif", buffer.getvalue(), content_type="image/gif")}
        ),
        content_type=MULTIPART_CONTENT,
    )

    assert response.status_code == 200, response.content
    assert response.json()["logo"].endswith(".png")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"capabilities": ["magic"]}, "capabilities"),
        ({"country": "XX"}, "country"),
        ({"regions_served": ["atlantis"]}, "regions_served"),
        ({"website": "nope"}, "website"),
    ],
)
def test_bad_patch_is_a_400_and_saves_nothing(client, payload, field):
    member = UserFactory()
    PartnerFactory(slug="ours", members=[member])
    client.force_login(member)

    response = client.patch(f"{PARTNERS}ours/", payload, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Partner.objects.get(slug="ours").capabilities == ["injection_moulding"]


def test_a_non_image_logo_is_a_400(client):
    member = UserFactory()
    PartnerFactory(slug="ours", members=[member])
    client.force_login(member)

    response = client.patch(
        f"{PARTNERS}ours/",
        multipart(
            {"logo": SimpleUploadedFile("l.png", b"GIF89a not really", content_type="image/png")}
        ),
        content_type=MULTIPART_CONTENT,
    )

    assert response.status_code == 400
    assert "logo" in response.json()["errors"]


def test_an_oversized_logo_is_a_400_and_saves_nothing(client, settings, tmp_path):
    from partners.logos import LOGO_MAX_BYTES

    settings.MEDIA_ROOT = tmp_path
    member = UserFactory()
    PartnerFactory(slug="ours", members=[member])
    client.force_login(member)
    too_big = b"\x89PNG\r\n\x1a\n" + b"\0" * LOGO_MAX_BYTES  # over the limit by the header

    response = client.patch(
        f"{PARTNERS}ours/",
        multipart(
            {
                "logo": SimpleUploadedFile("l.png", too_big, content_type="image/png"),
                "description": "Changed with the logo.",
            }
        ),
        content_type=MULTIPART_CONTENT,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    (message,) = response.json()["errors"]["logo"]
    assert "the limit is 2.0\xa0MB" in message
    partner = Partner.objects.get(slug="ours")
    assert not partner.logo
    assert partner.description != "Changed with the logo."
    assert not list(tmp_path.rglob("*.png"))


def test_a_non_member_gets_403_on_an_active_partner_and_404_on_a_pending_one(client):
    PartnerFactory(slug="active")
    PartnerFactory(slug="waiting", status=Partner.Status.PENDING)
    client.force_login(UserFactory())

    active = client.patch(
        f"{PARTNERS}active/", {"description": "x"}, content_type="application/json"
    )
    pending = client.patch(
        f"{PARTNERS}waiting/", {"description": "x"}, content_type="application/json"
    )

    assert active.status_code == 403
    assert active.json()["code"] == "permission_denied"
    assert pending.status_code == 404
    assert not Partner.objects.filter(description="x").exists()


def test_anonymous_patch_is_401_and_put_is_not_allowed(client):
    member = UserFactory()
    PartnerFactory(slug="active", members=[member])

    assert (
        client.patch(f"{PARTNERS}active/", {}, content_type="application/json").status_code == 401
    )
    client.force_login(member)
    assert client.put(f"{PARTNERS}active/", {}, content_type="application/json").status_code == 405


def test_token_authentication_works_for_integrations(client):
    member = UserFactory()
    PartnerFactory(slug="active", members=[member])
    _token, key = api_token_create(user=member, name="integration")

    response = client.patch(
        f"{PARTNERS}active/",
        {"website": "https://new.example"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )

    assert response.status_code == 200
    assert Partner.objects.get(slug="active").website == "https://new.example"


def test_partner_list_runs_fixed_queries_at_ten_thousand_partners(
    client, ten_thousand_partners, django_assert_num_queries
):
    with django_assert_num_queries(2):  # count, page
        response = client.get(PARTNERS, {"capability": "pcb_assembly", "q": "electronics"})
    assert response.json()["count"] > 5000
    with django_assert_num_queries(2):
        client.get(PARTNERS, {"page": 50, "kind": "oem"})
    with django_assert_num_queries(1):
        client.get(f"{PARTNERS}bulk-partner-09999/")


# --- Applications ---------------------------------------------------------------------------------

APPLICATION = {
    "name": "Tsinghai Lab",
    "kind": "university",
    "country": "CN",
    "capabilities": ["ai_ml"],
    "description": "Antennas.",
    "website": "https://lab.example",
}


def test_a_signed_in_user_applies(client):
    applicant = UserFactory()
    client.force_login(applicant)

    response = client.post(APPLICATIONS, APPLICATION, content_type="application/json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["country"] == "CN"
    assert Application.objects.get().applicant == applicant


def test_anonymous_cannot_apply(client):
    assert (
        client.post(APPLICATIONS, APPLICATION, content_type="application/json").status_code == 401
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"capabilities": ["magic"]}, "capabilities"),
        ({"name": "EXISTING corp"}, "name"),
        ({"kind": "pirate"}, "kind"),
    ],
)
def test_bad_applications_are_400(client, change, field):
    PartnerFactory(name="Existing Corp")
    client.force_login(UserFactory())

    response = client.post(APPLICATIONS, {**APPLICATION, **change}, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Application.objects.exists()


def test_applicants_list_their_own_staff_list_all(client):
    mine = ApplicationFactory()
    ApplicationFactory()

    client.force_login(mine.applicant)
    assert [row["id"] for row in client.get(APPLICATIONS).json()["results"]] == [mine.pk]
    client.force_login(staff())
    assert client.get(APPLICATIONS).json()["count"] == 2


def test_staff_approve_through_the_api(client):
    application = ApplicationFactory(name="Tsinghai Lab")
    client.force_login(staff())

    response = client.post(
        f"{APPLICATIONS}{application.pk}/approve/",
        {"message": "Welcome"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["partner"] == "tsinghai-lab"
    assert Membership.objects.get().user == application.applicant
    again = client.post(f"{APPLICATIONS}{application.pk}/reject/", {"message": "No"})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_reject_requires_a_message(client):
    application = ApplicationFactory()
    client.force_login(staff())

    response = client.post(f"{APPLICATIONS}{application.pk}/reject/", {"message": ""})

    assert response.status_code == 400
    application.refresh_from_db()
    assert application.is_pending


def test_an_applicant_cannot_decide_their_own_and_cannot_see_others(client):
    mine, theirs = ApplicationFactory(), ApplicationFactory()
    client.force_login(mine.applicant)

    assert client.post(f"{APPLICATIONS}{mine.pk}/approve/").status_code == 403
    assert client.post(f"{APPLICATIONS}{theirs.pk}/approve/").status_code == 404
    assert client.get(f"{APPLICATIONS}{theirs.pk}/").status_code == 404
    assert not Partner.objects.exists()


def test_application_list_runs_fixed_queries(client, django_assert_num_queries):
    client.force_login(staff())
    ApplicationFactory()
    # user, count, rows with applicants (the session comes from the cache)
    with django_assert_num_queries(3):
        client.get(APPLICATIONS)
    ApplicationFactory.create_batch(10)
    with django_assert_num_queries(3):
        client.get(APPLICATIONS)


def test_applying_is_throttled(client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "partner_applications": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client.force_login(UserFactory())
    statuses = [
        client.post(
            APPLICATIONS, {**APPLICATION, "name": f"Org {n}"}, content_type="application/json"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]


# --- Projects -------------------------------------------------------------------------------------


def test_projects_are_public_with_partners_and_products(client, django_assert_num_queries):
    ProjectFactory(
        slug="cells", partners=[PartnerFactory(slug="lab")], products=[ProductFactory(slug="a5")]
    )

    body = client.get(PROJECTS).json()
    assert body["results"][0]["partners"][0]["slug"] == "lab"
    assert body["results"][0]["products"][0]["slug"] == "a5"
    assert client.get(f"{PROJECTS}cells/").json()["slug"] == "cells"
    assert client.get(PROJECTS, {"kind": "nonsense"}).status_code == 400

    with django_assert_num_queries(4):  # count, projects, partners, products
        client.get(PROJECTS)
    for _ in range(5):
        ProjectFactory(
            partners=PartnerFactory.create_batch(2), products=ProductFactory.create_batch(2)
        )
    with django_assert_num_queries(4):
        client.get(PROJECTS)


def test_the_schema_documents_the_partner_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    listing = schema[schema.index("/api/v1/partners/:") :]
    listing = listing[: listing.index("/api/v1/partners/{slug}/")]
    for name in ("country", "language"):
        assert f"name: {name}" in listing, name
    assert "- zh-hans" in listing

    for path in ("/api/v1/partners/", "/api/v1/partners/{slug}/", "/api/v1/partners/applications/",
                 "/api/v1/partners/applications/{id}/approve/", "/api/v1/projects/"):  # fmt: skip
        assert path in schema, path


PROJECT = {
    "title": "Metalens camera",
    "kind": "joint_rnd",
    "status": "planned",
    "summary": "Flat optics for thinner phones.",
    "start_date": "2026-03-01",
    "end_date": "2027-03-01",
}


def test_an_owner_starts_a_project_through_the_api(client):
    owner = UserFactory()
    PartnerFactory(slug="lab", owners=[owner])
    PartnerFactory(slug="oem")
    ProductFactory(slug="aurora-5")
    client.force_login(owner)

    response = client.post(
        PROJECTS,
        {**PROJECT, "partners": ["lab", "oem"], "products": ["aurora-5"]},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "metalens-camera"
    # Their own partner joins at once; "oem" is invited and is not listed until it accepts.
    assert [p["slug"] for p in body["partners"]] == ["lab"]
    invitation = CollaborationProject.objects.get().invitations.get()
    assert (invitation.partner.slug, invitation.status) == ("oem", "pending")
    assert [p["slug"] for p in body["products"]] == ["aurora-5"]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"partners": ["oem"]}, 400, "partners"),  # none of them is the caller's
        ({"partners": ["nobody"]}, 400, "partners"),
        ({"partners": ["lab"], "end_date": "2025-01-01"}, 400, "end_date"),
        ({"partners": ["lab"], "kind": "party"}, 400, "kind"),
    ],
)
def test_bad_projects_are_refused(client, payload, status, field):
    owner = UserFactory()
    PartnerFactory(slug="lab", owners=[owner])
    PartnerFactory(slug="oem")
    client.force_login(owner)

    response = client.post(PROJECTS, {**PROJECT, **payload}, content_type="application/json")

    assert response.status_code == status
    assert field in response.json()["errors"]
    assert not CollaborationProject.objects.exists()


def test_only_staff_and_owners_start_projects(client):
    PartnerFactory(slug="lab")
    payload = {**PROJECT, "partners": ["lab"]}

    assert client.post(PROJECTS, payload, content_type="application/json").status_code == 401
    client.force_login(UserFactory())
    assert client.post(PROJECTS, payload, content_type="application/json").status_code == 403
    client.force_login(staff())
    assert client.post(PROJECTS, payload, content_type="application/json").status_code == 201


def test_owners_of_a_partner_in_the_project_change_it_others_get_403(client):
    owner = UserFactory()
    lab = PartnerFactory(slug="lab", owners=[owner])
    ProjectFactory(slug="cells", partners=[lab])

    client.force_login(UserFactory())
    refused = client.patch(
        f"{PROJECTS}cells/", {"status": "active"}, content_type="application/json"
    )
    client.force_login(owner)
    accepted = client.patch(
        f"{PROJECTS}cells/",
        {"status": "completed", "outcomes": "- Two papers"},
        content_type="application/json",
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200, accepted.json()
    project = CollaborationProject.objects.get()
    assert project.status == "completed"
    assert project.outcomes_html == "<ul>\n<li>Two papers</li>\n</ul>\n"
    assert list(project.partners.all()) == [lab]  # untouched when not sent
