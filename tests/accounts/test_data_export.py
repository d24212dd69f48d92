"""Download my data: the ZIP's parts, its progress, the one-time 24-hour link for its own person."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cocreate.accounts import personal_data, services
from cocreate.accounts.models import AuditLogEntry, DataExport
from cocreate.accounts.personal_data import PersonalData
from cocreate.accounts.tasks import build_data_export, purge_data_exports
from cocreate.core.errors import StateConflict
from cocreate.outbox.models import OutboxMessage
from community.services import comment_create, vote_cast
from service_desk import services as desk_services
from service_desk.models import TicketAttachment
from tests.factories.accounts import agent, customer
from tests.factories.community import PostFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.partners import PartnerFactory
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import file_ticket
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return customer(username="alice", email="alice@example.com", display_name="Alice Liddell")


def png(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def link_in_mail() -> str:
    return re.search(r"https?://\S+/profile/data/exports/\S+", mail.outbox[-1].body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def exported(alice) -> dict[str, bytes]:
    export = services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as file, zipfile.ZipFile(io.BytesIO(file.read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_every_registered_part(
    alice, private_files, django_capture_on_commit_callbacks
):
    # Given what Alice did across the site
    product = ProductFactory(name="Aurora Router X2")
    RegistrationFactory(customer=alice, product=product, serial_number="AX2-0001")
    post = PostFactory(author=alice, product=product, title="A quieter fan")
    other = PostFactory(product=product, title="USB-C power")
    comment_create(post=other, author=alice, body="Yes please")
    vote_cast(user=alice, post=other)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_ticket(alice, product, subject="Wi-Fi drops", attachments=[png("log.png")])
    sam = agent(username="sam")
    desk_services.ticket_reply(ticket=ticket, author=sam, body="Try channel 6")
    desk_services.ticket_add_note(ticket=ticket, author=sam, body="Secret agent note")
    NotificationFactory(recipient=alice, title="Someone answered")
    PartnerFactory(name="Aurora Parts GmbH", members=[alice])

    # When her export is built
    files = exported(alice)

    # Then each app's part is a JSON file, with her data and no one else's secrets
    profile = json.loads(files["profile.json"])
    assert profile["email"] == "alice@example.com"
    assert profile["display_name"] == "Alice Liddell"
    assert json.loads(files["registrations.json"])[0]["serial_number"] == "AX2-0001"
    community = json.loads(files["community.json"])
    assert [p["title"] for p in community["posts"]] == [post.title]
    assert [c["body"] for c in community["comments"]] == ["Yes please"]
    assert [v["post"] for v in community["votes"]] == ["USB-C power"]
    tickets = json.loads(files["tickets.json"])
    assert tickets[0]["subject"] == "Wi-Fi drops"
    assert [m["body"] for m in tickets[0]["messages"]] == ["Try channel 6"]
    assert "Secret agent note" not in files["tickets.json"].decode()
    attachment = TicketAttachment.objects.get()
    name = f"files/tickets/{ticket.number}/{attachment.pk}-log.png"
    assert files[name] == png_bytes()
    assert json.loads(files["notifications.json"])["notifications"][0]["title"] == (
        "Someone answered"
    )
    membership = json.loads(files["partners.json"])[0]
    assert (membership["partner"], membership["role"]) == ("Aurora Parts GmbH", "member")
    assert "webhooks.json" in files and "README.txt" in files


def test_progress_moves_through_the_parts_and_ends_ready(alice, private_files, monkeypatch):
    # Given an export, and a part that reads the export's progress as the job reaches it
    export = services.data_export_request(user=alice, requested_by=alice)
    assert (export.status, export.progress) == (DataExport.Status.PENDING, 0)
    seen = []

    def probe(user):
        seen.append(DataExport.objects.values_list("status", "progress").get(pk=export.pk))
        return {}

    for name in ("probe_first", "probe_last"):
        monkeypatch.setitem(personal_data._sections, name, PersonalData(name, probe, None, None))

    # When it is built
    build_data_export(export.pk)

    # Then the page saw it running with a growing share, and it ends ready at 100 %
    assert [status for status, _ in seen] == ["running", "running"]
    assert seen[0][1] < seen[1][1] < 100
    export.refresh_from_db()
    assert (export.status, export.progress) == (DataExport.Status.READY, 100)
    assert export.expires_at - export.finished_at == timedelta(hours=24)


def test_the_request_is_queued_through_the_outbox_and_audited(alice, private_files):
    export = services.data_export_request(user=alice, requested_by=alice)

    assert OutboxMessage.objects.get().args == [export.pk]
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.subject, entry.actor) == ("export_requested", alice, alice)


def test_a_second_request_while_one_runs_is_refused(alice, private_files):
    services.data_export_request(user=alice, requested_by=alice)

    with pytest.raises(StateConflict, match="being gathered already"):
        services.data_export_request(user=alice, requested_by=alice)


def test_the_link_is_e_mailed_in_the_persons_language(private_files):
    li = customer(username="li", email="li@example.com", language="zh-hans")
    export = services.data_export_request(user=li, requested_by=li)

    build_data_export(export.pk)

    assert mail.outbox[-1].to == ["li@example.com"]
    assert "数据" in mail.outbox[-1].subject
    # the task may run twice: the second run mails nothing
    build_data_export(export.pk)
    assert len(mail.outbox) == 1


def test_the_link_downloads_the_zip_once_for_its_own_person(client, alice, private_files):
    # Given a ready export and its e-mailed link
    export = services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)
    url = path_of(link_in_mail())
    client.force_login(alice)

    # When Alice opens it
    response = client.get(url)

    # Then she gets the ZIP, and the export is marked used and audited
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    export.refresh_from_db()
    assert export.used_at is not None
    assert AuditLogEntry.objects.filter(action="export_downloaded", subject=alice).exists()

    # And a second use is refused with a clear message
    again = client.get(url)
    assert again.status_code == 410
    assert "used already" in again.content.decode()


def test_another_person_cannot_use_the_link(client, alice, private_files):
    export = services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)
    url = path_of(link_in_mail())
    client.force_login(customer(username="mallory"))

    response = client.get(url)

    assert response.status_code == 403
    assert "another person" in response.content.decode()
    export.refresh_from_db()
    assert export.used_at is None  # Alice can still use it


def test_the_link_expires_after_24_hours(client, alice, private_files):
    export = services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)
    url = path_of(link_in_mail())
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(alice)

    response = client.get(url)

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_wrong_token_is_not_found(client, alice, private_files):
    export = services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)
    client.force_login(alice)

    response = client.get(reverse("data_export_download", args=[export.pk, "guessed"]))

    assert response.status_code == 404


def test_signed_out_the_link_asks_to_sign_in_first(client, alice, private_files):
    export = services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)

    response = client.get(path_of(link_in_mail()))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_purge_job_removes_spent_files_and_fails_stuck_exports(alice, private_files):
    # Given a used export an hour and more ago, and another person's export stuck for hours
    export = services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)
    DataExport.objects.filter(pk=export.pk).update(used_at=timezone.now() - timedelta(hours=2))
    bob = customer(username="bob")
    stuck = services.data_export_request(user=bob, requested_by=bob)
    DataExport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=3))

    # When the job runs
    assert purge_data_exports() == (1, 1)

    # Then the file is gone and the stuck export failed (Bob may ask again, or delete)
    export.refresh_from_db()
    assert not export.file and not list(private_files.rglob("*.zip"))
    stuck.refresh_from_db()
    assert stuck.status == DataExport.Status.FAILED


def test_the_profile_shows_progress_then_ready(client, alice, private_files):
    client.force_login(alice)
    client.post(reverse("data_export_create"))
    export = DataExport.objects.get(user=alice)

    waiting = client.get(reverse("data_export_status"))
    assert 'hx-trigger="every 2s"' in waiting.content.decode()

    build_data_export(export.pk)
    ready = client.get(reverse("profile")).content.decode()
    assert 'data-testid="export-ready"' in ready and "every 2s" not in ready


def test_the_profile_page_queries_stay_bounded(
    client, alice, private_files, django_assert_max_num_queries
):
    client.force_login(alice)
    for _ in range(3):
        export = services.data_export_request(user=alice, requested_by=alice)
        build_data_export(export.pk)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("profile")).status_code == 200


def test_a_failed_e_mail_leaves_the_export_in_progress_and_no_stray_file(
    alice, private_files, monkeypatch
):
    # Given a mail server that refuses the message
    from smtplib import SMTPException

    from cocreate.accounts.services import data_export

    def refuse(*args, **kwargs):
        raise SMTPException("451 try again later")

    monkeypatch.setattr(data_export, "send_mail", refuse)
    export = services.data_export_request(user=alice, requested_by=alice)

    # When the job builds the export, it fails (and Celery tries again later)
    with pytest.raises(SMTPException):
        services.data_export_build(export_id=export.pk)

    # Then no link was stored, the export is still in progress, and its ZIP is not left behind
    export.refresh_from_db()
    assert export.status == DataExport.Status.RUNNING and not export.token_hash
    assert not list(private_files.rglob("*.zip"))
