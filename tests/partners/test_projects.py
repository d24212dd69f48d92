"""Collaboration projects: public list and page, managed by staff and the partners' owners."""

from datetime import date

import pytest
from django.urls import reverse

from partners.models import CollaborationProject, Membership, Partner
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory, ProjectFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


def form_data(partners, products=(), **changes):
    return {
        "title": "Solid-state cells",
        "kind": "joint_rnd",
        "status": "active",
        "summary": "Pilot cells.",
        "start_date": "2026-01-01",
        "end_date": "2027-06-30",
        "partners": [p.pk for p in partners],
        "products": [p.pk for p in products],
        "description": "Cells from *A-Labs*.",
        "outcomes": "",
        "is_public": "on",
        **changes,
    }


def test_the_list_shows_projects_with_partners_and_products_and_filters_by_kind(client):
    lab = PartnerFactory(name="A Labs")
    ProjectFactory(title="Cells", partners=[lab], products=[ProductFactory(name="Aurora 5")])
    ProjectFactory(title="Fair booth", kind=CollaborationProject.Kind.CO_MARKETING, partners=[lab])

    html = client.get(reverse("partners:projects")).content.decode()
    filtered = client.get(reverse("partners:projects"), {"kind": "co_marketing"})

    assert "Cells" in html and "A Labs" in html and "Aurora 5" in html
    assert [p.title for p in filtered.context["page"]] == ["Fair booth"]


def test_the_project_page_hides_partners_that_are_not_active(client):
    shown = PartnerFactory(name="Shown Partner")
    hidden = PartnerFactory(name="Hidden Partner", status=Partner.Status.SUSPENDED)
    project = ProjectFactory(partners=[shown, hidden], outcomes_html="<p>Two papers.</p>")

    html = client.get(project.get_absolute_url()).content.decode()

    assert "Shown Partner" in html and "Two papers." in html
    assert "Hidden Partner" not in html


def test_list_and_page_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    project = ProjectFactory(partners=[PartnerFactory()], products=[ProductFactory()])
    # count, projects, their partners, their products
    with django_assert_num_queries(4):
        client.get(reverse("partners:projects"))
    with django_assert_num_queries(3):
        client.get(project.get_absolute_url())
    for _ in range(6):
        ProjectFactory(
            partners=PartnerFactory.create_batch(2), products=ProductFactory.create_batch(2)
        )
    with django_assert_num_queries(4):
        client.get(reverse("partners:projects"))


def test_an_owner_creates_a_project_with_their_own_partner_and_invites_the_other(client):
    owner = UserFactory()
    mine, other = PartnerFactory(owners=[owner]), PartnerFactory()
    product = ProductFactory()
    client.force_login(owner)

    response = client.post(reverse("partners:project_create"), form_data([mine, other], [product]))

    project = CollaborationProject.objects.get()
    assert response.url == project.get_absolute_url()
    assert project.slug == "solid-state-cells"
    # Their own organisation joins at once; the other is invited and joins when it accepts.
    assert list(project.partners.all()) == [mine]
    assert [(i.partner, i.status) for i in project.invitations.all()] == [(other, "pending")]
    assert list(project.products.all()) == [product]
    assert project.description_html == "<p>Cells from <em>A-Labs</em>.</p>\n"
    assert project.created_by == owner


def test_the_new_project_form_preselects_the_owners_organisations(client):
    owner = UserFactory()
    mine = PartnerFactory(owners=[owner])
    client.force_login(owner)

    form = client.get(reverse("partners:project_create")).context["form"]

    assert form["partners"].value() == [mine.pk]


def test_an_owner_must_include_an_organisation_they_own(client):
    owner = UserFactory()
    PartnerFactory(owners=[owner])
    client.force_login(owner)

    response = client.post(reverse("partners:project_create"), form_data([PartnerFactory()]))

    assert "Include at least one organisation you own." in response.content.decode()
    assert not CollaborationProject.objects.exists()


def test_dates_must_be_in_order(client):
    client.force_login(staff())

    response = client.post(
        reverse("partners:project_create"),
        form_data([PartnerFactory()], end_date="2025-01-01"),
    )

    assert "end_date" in response.context["form"].errors
    assert not CollaborationProject.objects.exists()


@pytest.mark.parametrize("who", ["customer", "plain member"])
def test_people_who_own_no_partner_cannot_create_or_edit(client, who):
    user = UserFactory()
    partner = PartnerFactory()
    if who == "plain member":
        Membership.objects.create(user=user, partner=partner)
    project = ProjectFactory(partners=[partner])
    client.force_login(user)

    assert client.get(reverse("partners:project_create")).status_code == 403
    edit = reverse("partners:project_edit", args=[project.slug])
    assert client.post(edit, form_data([partner], title="Hijacked")).status_code == 403
    project.refresh_from_db()
    assert project.title != "Hijacked"


def test_an_owner_of_a_partner_in_the_project_edits_it(client):
    owner = UserFactory()
    partner = PartnerFactory(owners=[owner])
    project = ProjectFactory(partners=[partner])
    client.force_login(owner)

    assert "Edit project" in client.get(project.get_absolute_url()).content.decode()
    client.post(
        reverse("partners:project_edit", args=[project.slug]),
        form_data([partner], title="Renamed", status="completed", outcomes="- A paper"),
    )

    project.refresh_from_db()
    assert (project.title, project.status) == ("Renamed", "completed")
    assert project.outcomes_html == "<ul>\n<li>A paper</li>\n</ul>\n"
    assert project.start_date == date(2026, 1, 1)


def test_staff_edit_any_project(client):
    project = ProjectFactory(partners=[PartnerFactory()])
    client.force_login(staff())

    client.post(
        reverse("partners:project_edit", args=[project.slug]),
        form_data(list(project.partners.all()), title="Staff edit"),
    )

    project.refresh_from_db()
    assert project.title == "Staff edit"


def test_unknown_project_is_404(client):
    assert client.get(reverse("partners:project_detail", args=["nope"])).status_code == 404


def test_editing_a_project_keeps_a_suspended_partner_already_on_it(client):
    owner = UserFactory()
    mine = PartnerFactory(owners=[owner])
    paused = PartnerFactory(name="Paused Lab", status=Partner.Status.SUSPENDED)
    project = ProjectFactory(partners=[mine, paused])
    client.force_login(owner)
    edit = reverse("partners:project_edit", args=[project.slug])

    form = client.get(edit).context["form"]
    client.post(edit, form_data([mine, paused], title="Renamed"))

    assert set(form["partners"].value()) == {mine.pk, paused.pk}  # shown, and chosen
    assert "Paused Lab (Suspended)" in str(form["partners"])
    project.refresh_from_db()
    assert project.title == "Renamed"
    assert set(project.partners.all()) == {mine, paused}


def test_a_suspended_partner_not_on_the_project_cannot_be_added(client):
    owner = UserFactory()
    mine = PartnerFactory(owners=[owner])
    project = ProjectFactory(partners=[mine])
    paused = PartnerFactory(status=Partner.Status.SUSPENDED)
    client.force_login(owner)

    response = client.post(
        reverse("partners:project_edit", args=[project.slug]), form_data([mine, paused])
    )

    assert "partners" in response.context["form"].errors
    assert list(project.partners.all()) == [mine]


@pytest.mark.parametrize("send_partners", [False, True])
def test_changing_a_project_through_the_api_keeps_partners_it_does_not_show(client, send_partners):
    owner = UserFactory()
    mine = PartnerFactory(slug="mine-lab", owners=[owner])
    paused = PartnerFactory(status=Partner.Status.SUSPENDED)
    project = ProjectFactory(slug="cells", partners=[mine, paused])
    client.force_login(owner)
    payload = {"status": "completed", **({"partners": ["mine-lab"]} if send_partners else {})}

    response = client.patch("/api/v1/projects/cells/", payload, content_type="application/json")

    assert response.status_code == 200, response.json()
    assert [p["slug"] for p in response.json()["partners"]] == ["mine-lab"]
    assert set(project.partners.all()) == {mine, paused}
