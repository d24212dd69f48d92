"""What a ticket attachment may be: a few common types, recognised by their content, and small."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_FILES_PER_MESSAGE = 5


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


# extension → (content type, test of the first bytes). A file whose bytes do not match its
# extension is refused, so a renamed executable cannot pass as a photo.
ALLOWED_TYPES = {
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".gif": ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ".txt": ("text/plain", _is_text),
    ".log": ("text/plain", _is_text),
    ".zip": ("application/zip", lambda head: head.startswith(b"PK\x03\x04")),
}


def validate_attachment(upload) -> str:
    """Check an uploaded file's size and type; return its content type or raise ValidationError."""
    name = Path(upload.name or "").name
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
            },
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
    extension = Path(name).suffix.lower()
    allowed = ALLOWED_TYPES.get(extension)
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if allowed is None or not allowed[1](head):
        raise ValidationError(
            _("%(name)s is not an accepted file type. Accepted: %(types)s."),
            code="file_type",
            params={"name": name, "types": accepted_types_label()},
        )
    return allowed[0]


def validate_attachments(uploads) -> list[tuple[object, str]]:
    """Validate every file before anything is saved; return (file, content type) pairs."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES_PER_MESSAGE:
        raise ValidationError(
            _("Attach at most %(count)d files at a time."),
            code="too_many",
            params={"count": MAX_FILES_PER_MESSAGE},
        )
    return [(upload, validate_attachment(upload)) for upload in uploads]


def accepted_types_label() -> str:
    return ", ".join(sorted({extension.lstrip(".") for extension in ALLOWED_TYPES}))
