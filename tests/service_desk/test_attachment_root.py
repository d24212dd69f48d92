"""Ticket attachments stay private: /media/ never serves them and `manage.py check` refuses a
layout that puts them under MEDIA_ROOT."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICE_DESK_ATTACHMENT_ROOT = tmp_path / "private" / "ticket-attachments"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def test_attachments_under_media_root_are_still_never_served(client, settings, media_root):
    # A misconfiguration: the private directory moved under MEDIA_ROOT.
    settings.SERVICE_DESK_ATTACHMENT_ROOT = media_root / "private"
    (media_root / "private" / "tickets" / "1").mkdir(parents=True)
    (media_root / "private" / "tickets" / "1" / "invoice.pdf").write_bytes(b"%PDF-1.4 secret")

    assert client.get("/media/private/tickets/1/invoice.pdf").status_code == 404
    assert client.get("/media/./private/tickets/1/invoice.pdf").status_code == 404


def test_manage_py_check_refuses_attachments_under_media_root(settings, media_root):
    settings.SERVICE_DESK_ATTACHMENT_ROOT = media_root / "private"

    with pytest.raises(SystemCheckError, match="service_desk.E001"):
        call_command("check")


def test_manage_py_check_accepts_separate_directories(media_root):
    call_command("check")
