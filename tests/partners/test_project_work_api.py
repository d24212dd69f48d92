"""The project work's API: /api/v1/projects/<slug>/updates/, milestones/ and files/."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from partners import services
from partners.models import Milestone, Partner, ProjectFile
from tests.factories.partners import ProjectFactory
from tests.partners.project_work_fixtures import *  # noqa: F403 (the fixtures)
from tests.partners.project_work_fixtures import text_upload

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/cells"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_member_posts_and_lists_updates(world):
    client = api(world.member)
    response = client.post(f"{BASE}/updates/", {"body": "**样品**已发出", "language": "zh-hans"})
    assert response.status_code == 201, response.json()
    assert response.json()["language"] == "zh-hans"
    assert response.json()["partner"] == world.maker.slug
    assert "<strong>" in response.json()["body_html"]

    listed = api(world.owner).get(f"{BASE}/updates/").json()
    assert listed["count"] == 1 and listed["results"][0]["author"] == world.member.public_name


def test_bad_updates_answer_400_per_field(world):
    client = api(world.owner)
    assert client.post(f"{BASE}/updates/", {"body": " "}).json()["errors"]["body"]
    assert client.post(f"{BASE}/updates/", {"body": "x" * 10001}).status_code == 400
    response = client.post(f"{BASE}/updates/", {"body": "Hi", "language": "fr"})
    assert response.status_code == 400 and "language" in response.json()["errors"]


def test_milestones_are_added_listed_and_changed(world):
    client = api(world.berliner)
    response = client.post(
        f"{BASE}/milestones/", {"title": "Pilot", "due_at": "2026-12-10T10:00:00+01:00"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["due_at"].startswith("2026-12-10T")
    pk = response.json()["id"]

    response = client.patch(f"{BASE}/milestones/{pk}/", {"status": "done"})
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert response.json()["done_by"] == world.berliner.public_name
    assert client.get(f"{BASE}/milestones/").json()["results"][0]["id"] == pk


def test_a_milestone_before_the_start_is_a_400_on_due_at(world):
    response = api(world.owner).post(
        f"{BASE}/milestones/", {"title": "Early", "due_at": "2025-06-01T10:00:00Z"}
    )
    assert response.status_code == 400
    assert "before the project starts" in response.json()["errors"]["due_at"][0]


def test_a_cancelled_project_answers_409_for_a_new_milestone(world):
    world.project.status = "cancelled"
    world.project.save()
    response = api(world.owner).post(
        f"{BASE}/milestones/", {"title": "Late", "due_at": "2026-12-10T10:00:00Z"}
    )
    assert response.status_code == 409


def test_files_are_shared_and_listed_with_a_checked_download_url(world):
    client = api(world.member)
    response = client.post(
        f"{BASE}/files/",
        {"upload": text_upload("report.txt"), "description": "First run"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    shared = ProjectFile.objects.get()
    assert response.json()["download_url"].endswith(f"/partners/projects/cells/files/{shared.pk}/")

    listed = client.get(f"{BASE}/files/").json()
    assert listed["results"][0]["filename"] == "report.txt"


def test_a_refused_file_is_a_400_on_upload(world, settings):
    settings.MAX_UPLOAD_BYTES = 10
    response = api(world.member).post(
        f"{BASE}/files/", {"upload": text_upload("big.txt", b"x" * 11)}, format="multipart"
    )
    assert response.status_code == 400
    assert "too large" in response.json()["errors"]["upload"][0]


def test_another_projects_milestone_is_a_400(world):
    other = ProjectFactory(partners=[world.maker])
    foreign = Milestone.objects.create(project=other, title="Theirs", due_at="2026-12-10T10:00Z")
    response = api(world.member).post(
        f"{BASE}/files/", {"upload": text_upload(), "milestone": foreign.pk}, format="multipart"
    )
    assert response.status_code == 400
    assert "another project" in response.json()["errors"]["milestone"][0]


@pytest.mark.parametrize("what", ["updates", "milestones", "files"])
def test_outsiders_get_404_and_anonymous_visitors_401(world, what):
    # The project is public: its summary is everyone's, its work is not.
    assert world.project.is_public
    assert api(world.outsider).get(f"{BASE}/{what}/").status_code == 404
    assert api(world.outsider).post(f"{BASE}/{what}/", {}).status_code == 404
    assert api().get(f"{BASE}/{what}/").status_code in (401, 403)
    assert api(world.staff).get(f"{BASE}/{what}/").status_code == 200


def test_a_suspended_partners_member_gets_403_with_the_reason(world):
    Partner.objects.filter(pk=world.maker.pk).update(status=Partner.Status.SUSPENDED)
    response = api(world.member).post(f"{BASE}/updates/", {"body": "Hi"})
    assert response.status_code == 403
    assert "Shenzhen Makers is suspended" in response.json()["detail"]


def test_an_unknown_project_is_404(world):
    assert api(world.staff).get("/api/v1/projects/nope/updates/").status_code == 404


def test_patching_a_milestone_of_another_project_is_404(world):
    other = ProjectFactory(slug="other", partners=[world.maker])
    foreign = services.milestone_add(
        project=other, by=world.member, title="Theirs", due_at=datetime(2026, 12, 10, tzinfo=UTC)
    )
    response = api(world.member).patch(f"{BASE}/milestones/{foreign.pk}/", {"status": "done"})
    assert response.status_code == 404


def test_a_private_projects_work_is_404_to_outsiders_and_open_to_its_people(world, client):
    world.project.is_public = False
    world.project.save()
    assert api(world.outsider).get(f"{BASE}/updates/").status_code == 404
    assert api(world.member).get(f"{BASE}/updates/").status_code == 200
    client.force_login(world.outsider)
    assert client.get("/partners/projects/cells/").status_code == 404
    client.force_login(world.berliner)
    assert 'id="updates"' in client.get("/partners/projects/cells/").content.decode()
