"""Public and private collaboration projects: who sees which project, on pages and the API."""

import pytest
from django.urls import reverse

from partners import permissions, selectors, services
from partners.models import CollaborationProject
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory, ProjectFactory
from tests.partners.test_projects import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def lab(owner, member):
    return PartnerFactory(name="A Labs", slug="a-labs", owners=[owner], members=[member])


@pytest.fixture
def secret(lab):
    return ProjectFactory(
        title="Secret cells",
        slug="secret",
        is_public=False,
        partners=[lab],
        description="Chemistry we do not publish.",
        description_html="<p>Chemistry we do not publish.</p>",
    )


@pytest.fixture
def open_project(lab):
    return ProjectFactory(title="Open booth", slug="open", partners=[lab])


def listed(client) -> set[str]:
    return {p.title for p in client.get(reverse("partners:projects")).context["page"]}


def api_listed(client) -> set[str]:
    return {p["slug"] for p in client.get("/api/v1/projects/").json()["results"]}


@pytest.mark.parametrize("who", ["anonymous", "customer", "owner of another partner"])
def test_outsiders_see_public_projects_only(client, secret, open_project, who):
    if who != "anonymous":
        user = UserFactory()
        if who == "owner of another partner":
            PartnerFactory(owners=[user])
        client.force_login(user)

    assert listed(client) == {"Open booth"}
    assert api_listed(client) == {"open"}
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get("/api/v1/projects/secret/").status_code == 404
    assert client.get(reverse("partners:project_edit", args=["secret"])).status_code in (302, 404)


@pytest.mark.parametrize("who", ["member", "owner", "staff"])
def test_members_of_its_partners_and_staff_see_a_private_project(
    client, secret, open_project, member, owner, who
):
    client.force_login({"member": member, "owner": owner, "staff": staff()}[who])

    assert listed(client) == {"Open booth", "Secret cells"}
    assert api_listed(client) == {"open", "secret"}
    page = client.get(secret.get_absolute_url())
    assert page.status_code == 200 and "Chemistry we do not publish." in page.content.decode()
    assert 'data-testid="private-project"' in page.content.decode()  # they see it is private
    assert (
        'data-testid="private-project"'
        not in client.get(open_project.get_absolute_url()).content.decode()
    )
    body = client.get("/api/v1/projects/secret/").json()
    assert (body["is_public"], body["access"]) == (False, "full")
    assert "Chemistry" in body["description_html"]


def test_an_invited_owner_sees_the_summary_only_until_accepting(client, secret, owner):
    invited_owner, invited_member = UserFactory(), UserFactory()
    oem = PartnerFactory(slug="oem", owners=[invited_owner], members=[invited_member])
    invitation = services.project_invite(project=secret, partner=oem, by=owner)

    # A plain member of the invited partner sees nothing of it.
    client.force_login(invited_member)
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get("/api/v1/projects/secret/").status_code == 404
    assert not permissions.can_work_in_project(invited_member, secret)

    client.force_login(invited_owner)
    page = client.get(secret.get_absolute_url())
    body = client.get("/api/v1/projects/secret/").json()
    summary = client.get(page.url)

    # The project's page sends them to the invitation, which shows the summary to decide on.
    assert page.status_code == 302
    assert page.url == reverse("partners:project_invitation", args=["secret", invitation.pk])
    assert "Secret cells" in summary.content.decode()
    assert "Chemistry we do not publish." not in summary.content.decode()
    assert (body["access"], body["description_html"], body["outcomes_html"]) == ("summary", "", "")
    assert body["summary"] == secret.summary
    assert "Secret cells" in listed(client)
    assert not permissions.can_work_in_project(invited_owner, secret)

    services.project_invitation_accept(invitation=invitation, by=invited_owner)

    client.force_login(invited_member)
    after = client.get(secret.get_absolute_url())
    assert after.status_code == 200 and "Chemistry we do not publish." in after.content.decode()
    assert permissions.can_work_in_project(invited_member, secret)


def test_a_declined_invitation_shows_nothing_more(client, secret, owner):
    invited_owner = UserFactory()
    oem = PartnerFactory(owners=[invited_owner])
    invitation = services.project_invite(project=secret, partner=oem, by=owner)
    services.project_invitation_decline(invitation=invitation, by=invited_owner)
    client.force_login(invited_owner)

    assert client.get(secret.get_absolute_url()).status_code == 404
    assert "Secret cells" not in listed(client)
    # Nor does the answered invitation's page show the project any more.
    answered = client.get(reverse("partners:project_invitation", args=["secret", invitation.pk]))
    assert answered.status_code == 404
    assert "Secret cells" not in answered.content.decode()


def test_a_partners_page_lists_its_private_projects_only_to_those_who_may_see_them(
    client, secret, open_project, lab, member
):
    url = reverse("partners:detail", args=[lab.slug])

    outsider = client.get(url).content.decode()
    client.force_login(member)
    insider = client.get(url).content.decode()

    assert "Open booth" in outsider and "Secret cells" not in outsider
    assert "Secret cells" in insider and 'data-testid="private-project"' in insider


def test_the_selectors_agree_with_the_permission(secret, open_project, member):
    outsider = UserFactory()

    assert set(selectors.projects_visible_to(outsider)) == {open_project}
    assert set(selectors.projects_visible_to(member)) == {open_project, secret}
    assert permissions.can_read_project(member, secret)
    assert not permissions.can_read_project(outsider, secret)
    with pytest.raises(CollaborationProject.DoesNotExist):
        selectors.project_for_page(slug="secret", user=outsider)


def test_the_form_and_api_set_is_public(client, owner, lab):
    client.force_login(owner)

    client.post(reverse("partners:project_create"), form_data([lab], title="Hidden", is_public=""))
    response = client.post(
        "/api/v1/projects/",
        {
            "title": "Also hidden",
            "kind": "joint_rnd",
            "summary": "S.",
            "partners": ["a-labs"],
            "is_public": False,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["is_public"] is False
    assert set(CollaborationProject.objects.values_list("is_public", flat=True)) == {False}
    client.post(
        reverse("partners:project_edit", args=["hidden"]),
        form_data([lab], title="Hidden", is_public="on"),
    )
    assert CollaborationProject.objects.get(slug="hidden").is_public


def test_the_list_runs_a_fixed_number_of_queries_for_a_member(client, member, lab):
    ProjectFactory(is_public=False, partners=[lab])
    client.force_login(member)
    client.get(reverse("partners:projects"))  # the session and user are cached after this

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("partners:projects"))
        return len(queries)

    before = count()
    for _ in range(5):
        ProjectFactory(is_public=False, partners=[lab, PartnerFactory()])
    assert count() == before
