"""A project's files: the same checks as ticket attachments, written after the commit, private
to the project's people, served like attachments."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.urls import reverse

from partners import services
from partners.models import Milestone, Partner, ProjectFile
from tests.factories.partners import ProjectFactory
from tests.partners.project_work_fixtures import *  # noqa: F403 (the fixtures)
from tests.partners.project_work_fixtures import text_upload

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _share(world, upload=None, **kwargs):
    return services.project_file_share(
        project=world.project, by=world.member, upload=upload or text_upload(), **kwargs
    )


def test_a_shared_file_is_written_to_the_private_root_after_the_commit(
    world, project_file_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shared = _share(world, description="Results")
    assert not project_file_root.exists() or not any(project_file_root.rglob("*.txt"))

    for callback in callbacks:
        callback()
    shared.refresh_from_db()
    assert Path(shared.file.path).is_relative_to(project_file_root)
    assert Path(shared.file.path).read_bytes() == b"Test results: all good.\n"
    assert shared.partner == world.maker and shared.content_type == "text/plain"


def test_a_rolled_back_share_leaves_no_file(world, project_file_root):
    with pytest.raises(RuntimeError), transaction.atomic():
        _share(world)
        raise RuntimeError
    assert not ProjectFile.objects.exists()
    assert not project_file_root.exists() or not any(project_file_root.rglob("*.txt"))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (text_upload("run.exe", b"MZ\x90\x00"), "not an accepted file type"),
        (text_upload("photo.png", b"not a png"), "not an accepted file type"),
        (text_upload("empty.txt", b""), "is empty"),
    ],
)
def test_refused_types_are_a_field_error(world, upload, message):
    with pytest.raises(ValidationError) as error:
        _share(world, upload=upload)
    assert message in " ".join(error.value.message_dict["upload"])


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError) as error:
        _share(world, upload=text_upload("big.txt", b"x" * 11))
    assert "too large" in " ".join(error.value.message_dict["upload"])


def test_a_milestone_of_another_project_is_refused(world):
    other = ProjectFactory(partners=[world.maker])
    foreign = Milestone.objects.create(
        project=other, title="Theirs", due_at=datetime(2026, 12, 10, tzinfo=UTC)
    )
    with pytest.raises(ValidationError) as error:
        _share(world, milestone=foreign)
    assert error.value.message_dict["milestone"] == ["This milestone belongs to another project."]


def test_outsiders_share_nothing(world):
    with pytest.raises(PermissionDenied):
        services.project_file_share(project=world.project, by=world.outsider, upload=text_upload())


def _stored(world, django_capture_on_commit_callbacks, upload=None):
    with django_capture_on_commit_callbacks(execute=True):
        return _share(world, upload=upload)


def test_the_projects_people_download_it_like_an_attachment(
    client, world, django_capture_on_commit_callbacks
):
    shared = _stored(world, django_capture_on_commit_callbacks)
    url = reverse("partners:project_file", args=["cells", shared.pk])
    assert shared.get_absolute_url() == url

    for user in (world.member, world.owner, world.staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"Test results: all good.\n"
        assert response["Cache-Control"] == "private, no-store"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Content-Disposition"].startswith("attachment;")


def test_a_picture_is_shown_inline(client, world, django_capture_on_commit_callbacks):
    from tests.partners.conftest import image_upload

    shared = _stored(world, django_capture_on_commit_callbacks, upload=image_upload("plan.png"))
    client.force_login(world.member)
    response = client.get(reverse("partners:project_file", args=["cells", shared.pk]))
    assert response["Content-Disposition"].startswith("inline;")


def test_no_one_else_gets_the_file(client, world, django_capture_on_commit_callbacks):
    shared = _stored(world, django_capture_on_commit_callbacks)
    url = reverse("partners:project_file", args=["cells", shared.pk])

    assert client.get(url).status_code == 404  # anonymous
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    # Under another project's slug it is not found either.
    ProjectFactory(slug="other", partners=[world.lab])
    client.force_login(world.member)
    assert (
        client.get(reverse("partners:project_file", args=["other", shared.pk])).status_code == 404
    )
    # A suspended partner's members lose access.
    Partner.objects.filter(pk=world.maker.pk).update(status=Partner.Status.SUSPENDED)
    assert client.get(url).status_code == 404


def test_media_never_serves_project_files(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PARTNERS_PROJECT_FILE_ROOT = settings.MEDIA_ROOT / "private"
    (settings.MEDIA_ROOT / "private" / "projects" / "1").mkdir(parents=True)
    (settings.MEDIA_ROOT / "private" / "projects" / "1" / "plan.pdf").write_bytes(b"%PDF-1.4")
    assert client.get("/media/private/projects/1/plan.pdf").status_code == 404


def test_manage_py_check_refuses_project_files_under_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.PARTNERS_PROJECT_FILE_ROOT = settings.MEDIA_ROOT / "projects"
    with pytest.raises(SystemCheckError, match="partners.E001"):
        call_command("check")


def test_the_page_shares_a_file_and_shows_a_refusal_on_its_form(client, world, settings):
    client.force_login(world.berliner)
    url = reverse("partners:project_file_share", args=["cells"])
    response = client.post(url, {"upload": text_upload("run.exe", b"MZ"), "description": ""})
    assert response.status_code == 400
    assert "not an accepted file type" in response.content.decode()

    response = client.post(url, {"upload": text_upload("notes.txt"), "description": "Notes"})
    assert response.status_code == 302
    html = client.get(reverse("partners:project_detail", args=["cells"])).content.decode()
    assert "notes.txt" in html and "Notes" in html


def test_sharing_files_is_rate_limited(client, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "partners_project_work": "1/hour",
        },
    }
    client.force_login(world.berliner)
    url = reverse("partners:project_file_share", args=["cells"])
    assert client.post(url, {"upload": text_upload("a.txt")}).status_code == 302
    response = client.post(url, {"upload": text_upload("b.txt")})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_a_persons_updates_and_files_are_in_their_export_and_stay_after_deletion(
    world, django_capture_on_commit_callbacks
):
    from partners import personal_data

    services.project_update_post(
        project=world.project, author=world.member, body="进展顺利", language="zh-hans"
    )
    shared = _stored(world, django_capture_on_commit_callbacks)

    exported = personal_data.projects_export(world.member)
    assert exported["updates"][0]["body"] == "进展顺利"
    assert exported["files"][0]["filename"] == "notes.txt"
    assert [name for name, _file in personal_data.project_files(world.member)] == [
        f"cells/{shared.pk}-notes.txt"
    ]

    world.member.delete()
    shared.refresh_from_db()
    assert shared.uploaded_by is None
