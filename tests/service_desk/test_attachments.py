from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cocreate.core.uploads import validate_attachment, validate_attachments
from service_desk import services
from service_desk.models import Category, Ticket, TicketAttachment
from tests.images import image_upload, png_bytes, zip_of


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.PNG", png_bytes(), "image/png"),
        ("photo.jpg", image_upload("photo.jpg").read(), "image/jpeg"),
        ("invoice.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("router.log", "journal: 连接失败\n".encode(), "text/plain"),
        ("logs.zip", zip_of({"router.log": b"boot ok\n" * 50}), "application/zip"),
    ],
)
def test_accepted_types(name, content, content_type):
    assert validate_attachment(SimpleUploadedFile(name, content)) == content_type


def test_a_picture_of_more_pixels_than_allowed_is_refused_without_decoding_it(settings):
    settings.IMAGE_MAX_PIXELS = 1000

    with pytest.raises(ValidationError) as error:
        validate_attachment(SimpleUploadedFile("bomb.png", png_bytes(size=(40, 30))))

    assert error.value.code == "too_many_pixels"


def test_a_damaged_picture_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_attachment(SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64))

    assert error.value.code == "damaged"


@pytest.mark.parametrize(
    "content",
    [
        zip_of({"zeros.bin": b"\0" * 5_000_000}),  # 5 MB in a few KB
        zip_of({f"f{n}.txt": b"x" for n in range(1001)}),
        b"PK\x03\x04 not a zip at all",
    ],
    ids=["bomb", "too-many-files", "damaged"],
)
def test_zips_that_would_blow_up_or_cannot_be_read_are_refused(content):
    with pytest.raises(ValidationError) as error:
        validate_attachment(SimpleUploadedFile("logs.zip", content))

    assert error.value.code in ("zip_bomb", "damaged")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00"),
        ("photo.png", b"MZ\x90\x00 renamed executable"),
        ("page.html", b"<script>alert(1)</script>"),
        ("notes.txt", b"\x00\x01\x02binary"),
        ("noextension", b"hello"),
    ],
)
def test_refused_types(name, content):
    with pytest.raises(ValidationError) as error:
        validate_attachment(SimpleUploadedFile(name, content))

    assert error.value.code == "file_type"


def test_size_limit(settings):
    settings.MAX_UPLOAD_BYTES = 10

    with pytest.raises(ValidationError) as error:
        validate_attachment(SimpleUploadedFile("a.txt", b"x" * 11))

    assert error.value.code == "too_large"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_attachment(SimpleUploadedFile("a.txt", b""))


def test_at_most_five_files():
    files = [SimpleUploadedFile(f"{n}.txt", b"ok") for n in range(6)]

    with pytest.raises(ValidationError):
        validate_attachments(files)


# --- Files are written when the transaction commits, and only then ------------------------------

PNG = png_bytes()


def stored_files(settings) -> list[Path]:
    root = Path(settings.SERVICE_DESK_ATTACHMENT_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def ticket(alice, product):
    return services.ticket_create(
        customer=alice,
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Cracked case",
        description="See the photo.",
    )


@pytest.mark.django_db
def test_a_rolled_back_reply_leaves_no_file(
    alice, ticket, settings, django_capture_on_commit_callbacks
):
    # Given a reply with a photo, in a transaction whose next step fails
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.ticket_reply(ticket=ticket, author=alice, body="Photo", attachments=[png()])
        raise RuntimeError("the caller's next step failed")

    # Then neither the attachment nor its file is left
    assert not TicketAttachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_desk_reply_whose_status_change_fails_leaves_no_file(
    client, alice, sam, ticket, settings, django_capture_on_commit_callbacks
):
    # Given a closed ticket: "resolved" is no longer a status it can take
    services.ticket_change_status(ticket=ticket, actor=sam, status=Ticket.Status.CLOSED)
    client.force_login(sam)

    # When an agent replies with a file and asks for "resolved" in the same form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ticket.get_desk_url(),
            {"form": "reply", "body": "Fixed", "then_status": "resolved", "attachments": [png()]},
        )

    # Then the form shows the error, and the reply and its file are both gone
    assert response.status_code == 400
    assert not ticket.messages.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_committed_files_are_written_each_under_its_own_name(
    alice, ticket, settings, django_capture_on_commit_callbacks
):
    # When the customer sends two files of the same name, in two replies
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=ticket, author=alice, body="One", attachments=[png()])
        services.ticket_reply(ticket=ticket, author=alice, body="Two", attachments=[png()])

    # Then each is written after its commit, under the private root, and reads back
    first, second = TicketAttachment.objects.order_by("id")
    assert first.file.name != second.file.name
    assert len(stored_files(settings)) == 2
    for attachment in (first, second):
        assert attachment.file.path.startswith(str(settings.SERVICE_DESK_ATTACHMENT_ROOT))
        with attachment.file.open("rb") as handle:
            assert handle.read() == PNG


@pytest.mark.django_db
def test_a_file_that_cannot_be_written_takes_its_attachment_with_it(
    alice, ticket, settings, django_capture_on_commit_callbacks
):
    # Given a folder for attachments where none can be written (a file is in the way of the
    # tickets' folders: an OSError on writing, as a full disk gives)
    root = Path(settings.SERVICE_DESK_ATTACHMENT_ROOT)
    root.mkdir(parents=True)
    (root / "tickets").write_bytes(b"")

    # When a reply with a file commits
    with django_capture_on_commit_callbacks(execute=True):
        message = services.ticket_reply(
            ticket=ticket, author=alice, body="Photo", attachments=[png()]
        )

    # Then the reply stays, without an attachment pointing at nothing
    assert ticket.messages.filter(pk=message.pk).exists()
    assert not TicketAttachment.objects.exists()
