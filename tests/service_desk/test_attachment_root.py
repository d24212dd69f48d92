"""Ticket attachments stay private: /media/ never serves them and `manage.py check` refuses a
layout that puts them under MEDIA_ROOT."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from cocreate import settings as project_settings
from service_desk.models import TicketAttachment


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


def test_manage_py_check_refuses_an_attachments_storage_under_media_root(settings, media_root):
    # The directory /media/ refuses is apart, but the storage the files go to was moved under
    # MEDIA_ROOT (a settings module overriding STORAGES alone).
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media_root / "attachments"},
        },
    }

    with pytest.raises(SystemCheckError, match=r'service_desk.E001.*STORAGES\["attachments"\]'):
        call_command("check")


def test_the_attachments_storage_is_rooted_in_the_private_directory():
    # As settings.py reads them from the environment, before any test changes them.
    assert project_settings.STORAGES["attachments"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": project_settings.SERVICE_DESK_ATTACHMENT_ROOT},
    }


def test_attachments_follow_a_change_of_storages(settings, tmp_path):
    # TicketAttachment.file keeps the storage it was given when the model was defined: it must
    # still write where STORAGES says now.
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "elsewhere"},
        },
    }
    storage = TicketAttachment._meta.get_field("file").storage

    assert storage.location == str(tmp_path / "elsewhere")
    assert storage.save("tickets/1/abc/note.txt", ContentFile(b"hello")) == "tickets/1/abc/note.txt"
    assert (tmp_path / "elsewhere" / "tickets" / "1" / "abc" / "note.txt").read_bytes() == b"hello"
