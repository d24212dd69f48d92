"""/media/: public uploads served with caching headers; files in private directories never."""

import pytest

from cocreate.core import media

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
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


def test_files_in_a_registered_private_directory_are_never_served(
    client, settings, media_root, monkeypatch
):
    # An app registers the setting naming its private directory, which is then under MEDIA_ROOT.
    monkeypatch.setattr(media, "_private_root_settings", ["PRIVATE_TEST_ROOT"])
    settings.PRIVATE_TEST_ROOT = media_root / "private"
    (media_root / "private" / "1").mkdir(parents=True)
    (media_root / "private" / "1" / "secret.pdf").write_bytes(b"%PDF-1.4 secret")

    assert client.get("/media/private/1/secret.pdf").status_code == 404
    assert client.get("/media/./private/1/secret.pdf").status_code == 404
    assert client.get("/media/partners/logos/acme.png").status_code == 200


def test_registering_a_private_directory_twice_keeps_it_once(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(media, "_private_root_settings", [])
    settings.PRIVATE_TEST_ROOT = tmp_path / "private"

    media.register_private_root("PRIVATE_TEST_ROOT")
    media.register_private_root("PRIVATE_TEST_ROOT")

    assert media.private_roots() == [(tmp_path / "private").resolve()]
