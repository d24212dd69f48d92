"""/media/: public uploads served with caching headers; private attachments never."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICE_DESK_ATTACHMENT_ROOT = tmp_path / "private" / "ticket-attachments"
    (settings.MEDIA_ROOT / "partners" / "logos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "partners" / "logos" / "acme.png").write_bytes(PNG)
    return settings.MEDIA_ROOT


def test_a_public_upload_is_served_with_caching_and_a_sandbox_policy(client, media_root):
    response = client.get("/media/partners/logos/acme.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_unchanged_upload_answers_304(client, media_root):
    first = client.get("/media/partners/logos/acme.png")

    again = client.get(
        "/media/partners/logos/acme.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    assert again.status_code == 304
    assert "max-age=86400" in again["Cache-Control"]


@pytest.mark.parametrize("path", ["partners/logos/nope.png", "../private/x.txt", "partners/"])
def test_missing_files_escapes_and_folders_are_404(client, media_root, path):
    assert client.get(f"/media/{path}").status_code == 404


def test_only_reads_are_allowed(client, media_root):
    assert client.post("/media/partners/logos/acme.png").status_code == 405


def test_attachments_under_media_root_are_still_never_served(client, settings, media_root):
    # A misconfiguration: the private directory moved under MEDIA_ROOT.
    settings.SERVICE_DESK_ATTACHMENT_ROOT = media_root / "private"
    (media_root / "private" / "tickets" / "1").mkdir(parents=True)
    (media_root / "private" / "tickets" / "1" / "invoice.pdf").write_bytes(b"%PDF-1.4 secret")

    assert client.get("/media/private/tickets/1/invoice.pdf").status_code == 404
    assert client.get("/media/./private/tickets/1/invoice.pdf").status_code == 404


def test_manage_py_check_refuses_attachments_under_media_root(settings, media_root):
    settings.SERVICE_DESK_ATTACHMENT_ROOT = media_root / "private"

    with pytest.raises(SystemCheckError, match="core.E001"):
        call_command("check")


def test_manage_py_check_accepts_separate_directories(media_root):
    call_command("check")
