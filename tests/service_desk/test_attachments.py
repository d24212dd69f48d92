import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from service_desk.attachments import validate_attachment, validate_attachments


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.PNG", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        ("invoice.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("router.log", "journal: 连接失败\n".encode(), "text/plain"),
        ("logs.zip", b"PK\x03\x04....", "application/zip"),
    ],
)
def test_accepted_types(name, content, content_type):
    assert validate_attachment(SimpleUploadedFile(name, content)) == content_type


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
