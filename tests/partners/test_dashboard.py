"""An organisation at a glance (/partners/mine/<slug>/): its projects and their next milestone,
open invitations, recent updates and demand figures; who may see it; what it costs."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocreate.core.markup import render_markdown
from partners.models import (
    Invitation,
    Milestone,
    Partner,
    ProjectInvitation,
    ProjectUpdate,
)
from tests.factories.accounts import UserFactory, partner_member, staff
from tests.factories.partners import PartnerFactory, ProjectFactory, SupplyFactory

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2031, 1, 15, 12, 0, tzinfo=dt.UTC)


def milestone(project, title="Prototype", due_at=DUE, status=Milestone.Status.PLANNED):
    return Milestone.objects.create(project=project, title=title, due_at=due_at, status=status)


def update(project, author, partner, body="Moulds **ready**.", language="en", **fields):
    return ProjectUpdate.objects.create(
        project=project,
        author=author,
        partner=partner,
        body=body,
        body_html=render_markdown(body),
        language=language,
        **fields,
    )


def project_invitation(project, partner, by=None):
    return ProjectInvitation.objects.create(project=project, partner=partner, invited_by=by)


def member_invitation(partner, email="new@example.com"):
    return Invitation.objects.create(
        partner=partner,
        email=email,
        token=email,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )


@pytest.fixture
def owner():
    return partner_member(username="olga")


@pytest.fixture
def partner(owner):
    return PartnerFactory(name="Lotus Optics", slug="lotus", owners=[owner])


def dashboard_url(partner):
    return reverse("partners:manage", args=[partner.slug])


def section(html: str, name: str) -> str:
    start = html.index(f'data-testid="dashboard-{name}"')
    end = html.find("</section>", start)
    return html[start:end]


# --- Who sees it ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, partner):
    response = client.get(dashboard_url(partner))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("who", [UserFactory, partner_member, staff])
def test_someone_not_in_the_organisation_gets_404(client, partner, who):
    client.force_login(who())

    assert client.get(dashboard_url(partner)).status_code == 404


def test_a_plain_member_sees_it_too(client, partner):
    member = partner_member()
    partner.memberships.create(user=member)
    client.force_login(member)

    response = client.get(dashboard_url(partner))

    assert response.status_code == 200
    assert response.context["tab"] == "dashboard"


# --- What it shows -------------------------------------------------------------------------------


def test_it_shows_the_projects_with_their_next_open_milestone(client, owner, partner):
    running = ProjectFactory(title="Metalens camera", partners=[partner])
    milestone(running, "Done already", due_at=DUE - dt.timedelta(days=30), status="done")
    milestone(running, "Cancelled", due_at=DUE - dt.timedelta(days=20), status="cancelled")
    milestone(running, "Tooling review", due_at=DUE)
    milestone(running, "Pilot run", due_at=DUE + dt.timedelta(days=30))
    late = ProjectFactory(title="Late one", partners=[partner])
    milestone(late, "Overdue step", due_at=timezone.now() - dt.timedelta(days=2))
    ProjectFactory(title="Quiet one", partners=[partner], status="completed")
    ProjectFactory(title="Someone else's")
    ProjectFactory(title="Only invited")  # an invitation is not being on the project
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()

    projects = section(html, "projects")
    assert "Metalens camera" in projects and "Quiet one" in projects and "Late one" in projects
    assert "Someone else" not in projects and "Only invited" not in projects
    assert re.search(r"Tooling review</strong>, due", projects)
    assert "Pilot run" not in projects and "Done already" not in projects
    assert "Cancelled" not in projects
    late_item = projects[projects.index("Late one") :]
    late_item = late_item[: late_item.index("</li>")]
    assert "Overdue step" in late_item and 'data-testid="overdue"' in late_item
    assert "No open milestone." in projects  # the completed project
    assert f'href="{reverse("partners:project_detail", args=[running.slug])}"' in projects
    # running projects come first
    assert projects.index("Quiet one") > projects.index("Metalens camera")


@pytest.mark.parametrize(
    ("time_zone", "shown"),
    [("Asia/Shanghai", "Jan 15, 2031, 20:00"), ("Europe/Berlin", "Jan 15, 2031, 13:00")],
)
def test_the_next_milestone_is_due_in_the_readers_time_zone(client, partner, time_zone, shown):
    reader = partner_member(time_zone=time_zone)
    partner.memberships.create(user=reader)
    milestone(ProjectFactory(partners=[partner]), "Tooling review", due_at=DUE)
    client.force_login(reader)

    html = client.get(dashboard_url(partner)).content.decode()

    assert "due <time datetime=" in html
    assert re.search(rf"due <time [^>]*>{re.escape(shown)}</time>", html)


def test_it_shows_the_open_invitations(client, owner, partner):
    inviter = UserFactory(display_name="Ines")
    asking = ProjectFactory(title="Battery swap")
    project_invitation(asking, partner, by=inviter)
    answered = project_invitation(ProjectFactory(title="Answered"), partner)
    ProjectInvitation.objects.filter(pk=answered.pk).update(status="declined")
    project_invitation(ProjectFactory(title="For another"), PartnerFactory())
    member_invitation(partner, "new@example.com")
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()

    invitations = section(html, "invitations")
    assert "Battery swap" in invitations and "Invited by Ines" in invitations
    assert f'href="{asking.get_absolute_url()}"' in invitations
    assert "Answered" not in invitations and "For another" not in invitations
    assert "new@example.com" in invitations  # the owner sees who was asked to join
    assert '<span class="own-count">2</span>' in invitations


def test_plain_members_see_project_invitations_but_not_who_was_asked_to_join(client, partner):
    member = partner_member()
    partner.memberships.create(user=member)
    project_invitation(ProjectFactory(title="Battery swap"), partner)
    member_invitation(partner, "new@example.com")
    client.force_login(member)

    invitations = section(client.get(dashboard_url(partner)).content.decode(), "invitations")

    assert "Battery swap" in invitations
    assert "An owner of your organisation answers it." in invitations
    assert "new@example.com" not in invitations


def test_it_shows_the_latest_updates_tagged_with_their_language(client, owner, partner):
    project = ProjectFactory(title="Metalens camera", partners=[partner])
    other = PartnerFactory(name="Hanbit Display")
    project.partners.add(other)
    writer = UserFactory(display_name="Wei")
    update(project, writer, other, "模具**已**完成。", language="zh-hans")
    update(project, owner, partner, "Samples <shipped> & tested.")
    update(ProjectFactory(title="Not ours"), writer, other, "Elsewhere.")
    for n in range(12):
        update(
            project,
            owner,
            partner,
            f"Older {n}.",
            created_at=timezone.now() - dt.timedelta(days=n + 1),
        )
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()

    updates = section(html, "updates")
    assert updates.count('data-testid="dashboard-update"') == 10
    assert "Elsewhere." not in updates
    assert '<p class="dashboard-excerpt" lang="zh-hans">模具已完成。</p>' in updates
    assert (
        '<span class="badge badge-muted" data-testid="update-language">Simplified Chinese</span>'
        in updates
    )
    assert "Wei · Hanbit Display" in updates
    assert "Samples &lt;shipped&gt; &amp; tested." in updates  # decoded once, escaped once
    assert '<p class="dashboard-excerpt" lang="en">' in updates


def test_it_shows_the_demand_figures_and_links_to_the_demand_tab(client, owner, partner):
    SupplyFactory.create_batch(2, partner=partner)
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()

    demand = section(html, "demand")
    assert re.search(r"<dt>Parts supplied</dt><dd>2</dd>", demand)
    assert f'href="{reverse("partners:demand", args=[partner.slug])}"' in demand
    assert 'data-testid="no-demand"' not in demand


def test_each_empty_section_says_what_to_do_next(client, owner, partner):
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()

    projects = section(html, "projects")
    assert "No projects yet." in projects
    assert f'href="{reverse("partners:project_create")}"' in projects
    invitations = section(html, "invitations")
    assert "No invitations waiting." in invitations
    assert f'href="{reverse("partners:members", args=[partner.slug])}"' in invitations
    assert "No updates yet." in section(html, "updates")
    demand = section(html, "demand")
    assert 'data-testid="no-demand"' in demand
    assert f'href="{reverse("partners:catalog", args=[partner.slug])}"' in demand


def test_a_plain_member_is_not_offered_to_start_a_project(client, partner):
    member = partner_member()
    partner.memberships.create(user=member)
    client.force_login(member)

    html = client.get(dashboard_url(partner)).content.decode()

    projects = section(html, "projects")
    assert "No projects yet." in projects and "An owner of your organisation" in projects
    assert reverse("partners:project_create") not in html


def test_a_suspended_organisations_members_see_why_and_no_project_work(client, owner, partner):
    project = ProjectFactory(title="Metalens camera", partners=[partner])
    milestone(project, "Tooling review")
    update(project, owner, partner, "Secret progress.")
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.SUSPENDED)
    client.force_login(owner)

    response = client.get(dashboard_url(partner))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="suspended-notice"' in html
    assert "Metalens camera" in html
    assert "Tooling review" not in html and "Secret progress." not in html
    assert reverse("partners:project_create") not in html


def test_a_pending_organisations_members_see_that_it_is_not_listed_yet(client, owner, partner):
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.PENDING)
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()

    assert 'data-testid="pending-notice"' in html


# --- What it costs -------------------------------------------------------------------------------


def _fill(partner, owner, n):
    other = PartnerFactory()
    for i in range(n):
        project = ProjectFactory(partners=[partner, other])
        milestone(project, f"Step {i}")
        milestone(project, f"Later {i}", due_at=DUE + dt.timedelta(days=9))
        update(project, owner, partner, f"Update {i}.")
        update(project, None, None, f"Staff note {i}.", language="zh-hans")
        project_invitation(ProjectFactory(), partner, by=owner)
        member_invitation(partner, f"person{len(Invitation.objects.all())}@example.com")
        SupplyFactory(partner=partner)


def test_the_dashboard_runs_a_fixed_number_of_queries(client, owner, partner):
    client.force_login(owner)
    counts = []
    for n in (1, 9):  # 1, then 10 of everything
        _fill(partner, owner, n)
        client.get(dashboard_url(partner))  # warm the session and role caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(dashboard_url(partner))
        assert response.status_code == 200
        counts.append(len(queries))

    assert response.context["projects"].total == 10
    assert len(response.context["updates"]) == 10
    assert len(response.context["project_invitations"]) == 10
    assert counts[0] == counts[1], counts
    # user, unread count, membership, projects, their next milestones, project invitations,
    # member invitations, updates, may start a project, and the demand summary's (six here: these
    # parts fit no product; partners.demand.demand_summary); the session and the roles come from the cache
    assert counts[0] == 15, counts


# --- /partners/mine/ -----------------------------------------------------------------------------


def test_someone_in_one_organisation_goes_straight_to_its_dashboard(client, owner, partner):
    client.force_login(owner)

    response = client.get(reverse("partners:mine"))

    assert response.status_code == 302
    assert response["Location"] == dashboard_url(partner)


def test_someone_in_several_organisations_chooses_one(client, owner, partner):
    second = PartnerFactory(name="Hanbit Display", members=[owner])
    client.force_login(owner)

    response = client.get(reverse("partners:mine"))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{dashboard_url(partner)}"' in html and f'href="{dashboard_url(second)}"' in html
    # the dashboards lead back to the list only for them
    dashboard = client.get(dashboard_url(partner)).content.decode()
    assert f'<a href="{reverse("partners:mine")}">My organisations</a>' in dashboard


def test_someone_in_one_organisation_gets_no_breadcrumb_back_to_a_list_of_one(
    client, owner, partner
):
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()

    assert 'class="breadcrumbs"' not in html


def test_someone_in_no_organisation_is_told_how_to_join_one(client):
    client.force_login(partner_member())

    response = client.get(reverse("partners:mine"))

    assert response.status_code == 200
    assert f'href="{reverse("partners:apply")}"' in response.content.decode()


# --- The profile moved under the dashboard -------------------------------------------------------


def test_the_profile_is_a_tab_of_its_own(client, owner, partner):
    client.force_login(owner)

    html = client.get(dashboard_url(partner)).content.decode()
    tabs = html[html.index('<nav class="tabs"') :]
    tabs = tabs[: tabs.index("</nav>")]

    assert re.findall(r'href="([^"]+)"', tabs) == [
        f"/partners/mine/{partner.slug}/",
        f"/partners/mine/{partner.slug}/profile/",
        f"/partners/mine/{partner.slug}/members/",
        f"/partners/mine/{partner.slug}/catalog/",
        f"/partners/mine/{partner.slug}/demand/",
    ]
    assert f'href="/partners/mine/{partner.slug}/" aria-current="page"' in tabs
    profile = client.get(reverse("partners:profile", args=[partner.slug]))
    assert profile.status_code == 200 and "form" in profile.context


# --- The header's "My organisation" --------------------------------------------------------------


def _nav(html: str) -> str:
    return html[html.index('<nav class="main-nav"') : html.index('<ul class="nav-user">')]


@pytest.mark.parametrize("page", ["manage", "profile", "members", "catalog", "demand"])
def test_my_organisation_is_the_current_page_on_every_page_of_it(client, owner, partner, page):
    client.force_login(owner)

    nav = _nav(client.get(reverse(f"partners:{page}", args=[partner.slug])).content.decode())

    assert nav.count('aria-current="page"') == 1
    assert re.search(r'<a class="nav-role[^"]*" href="/partners/mine/" aria-current="page"', nav)


def test_on_the_directory_partners_is_the_current_page_not_my_organisation(client, owner):
    client.force_login(owner)

    nav = _nav(client.get(reverse("partners:directory")).content.decode())

    assert nav.count('aria-current="page"') == 1
    assert 'href="/partners/" aria-current="page"' in nav
