"""Private uploads (a ticket attachment, a project file): what one may be (a few common types,
recognised by their content, small, and neither a picture nor a zip that would blow up when
opened), how its file is written (after the commit) and how it is sent (never cached, sandboxed)."""

import logging
import zipfile
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cocreate.core.images import ImageRefused, TooManyPixels, image_header, megapixels

logger = logging.getLogger(__name__)

MAX_FILES_PER_MESSAGE = 5
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
# A zip that unpacks to more than this many times its size, or into more files, is refused.
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 1000


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
    content_type = allowed[0]
    if content_type.startswith("image/"):
        _check_image(upload, name)
    elif content_type == "application/zip":
        _check_zip(upload, name)
    return content_type


def _check_image(upload, name: str) -> None:
    """An image must be what its header says and no larger than IMAGE_MAX_PIXELS: a small file
    declaring a huge picture (a decompression bomb) would stall whoever opens it."""
    try:
        image_header(upload, formats=IMAGE_FORMATS)
    except TooManyPixels:
        raise ValidationError(
            _("%(name)s is a picture of more than %(limit)s megapixels."),
            code="too_many_pixels",
            params={"name": name, "limit": megapixels(settings.IMAGE_MAX_PIXELS)},
        ) from None
    except ImageRefused:
        raise ValidationError(
            _("%(name)s is not a readable picture."), code="damaged", params={"name": name}
        ) from None


def _check_zip(upload, name: str) -> None:
    """A zip is read from its directory, never unpacked: refused when damaged, or when it would
    unpack to far more than it weighs (a zip bomb) or into too many files."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            _("%(name)s is not a readable zip archive."), code="damaged", params={"name": name}
        ) from None
    finally:
        upload.seek(0)
    unpacked = sum(member.file_size for member in members)
    if len(members) > ZIP_MAX_MEMBERS or unpacked > ZIP_MAX_RATIO * max(upload.size, 1):
        raise ValidationError(
            _("%(name)s would unpack to %(size)s in %(count)d files; send its files instead."),
            code="zip_bomb",
            params={"name": name, "size": filesizeformat(unpacked), "count": len(members)},
        )


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


def save_with_file_after_commit(instance, upload, *, filename: str, field: str = "file") -> None:
    """Save `instance` (a private file's row) now and write `upload`, named `filename`, into its
    `field` once the transaction commits.

    Written at once, the file would stay on disk when the transaction rolls back: the service's
    own, or a caller's around several services. The stored name is made unique before the file
    exists (the field's `upload_to` adds a random part), so no row ever points at another file.
    If the write fails after the commit (disk full, permissions), the row goes rather than dangle.
    """
    file_field = instance._meta.get_field(field)
    storage = file_field.storage
    name = storage.get_available_name(
        file_field.generate_filename(instance, filename),
        max_length=file_field.max_length,
    )
    getattr(instance, field).name = name
    instance.save()
    transaction.on_commit(partial(_write_file, type(instance), instance.pk, field, name, upload))


def _write_file(model, pk: int, field: str, name: str, upload) -> None:
    file_field = model._meta.get_field(field)
    try:
        stored = file_field.storage.save(name, upload, max_length=file_field.max_length)
    except (OSError, ValueError):  # disk full, permissions, the upload already closed
        logger.exception("%s %s could not be written; it was removed.", model.__name__, pk)
        model.objects.filter(pk=pk).delete()
        return
    if stored != name:
        model.objects.filter(pk=pk).update(**{field: stored})


# Shown in the browser rather than downloaded: what a browser displays without running anything.
INLINE_TYPES = ("application/pdf",)


def private_file_response(file_field, *, filename: str, content_type: str) -> FileResponse:
    """Send a private file (a ticket attachment, a project file) to someone the caller checked.

    Never cached on the way (`private, no-store`), sandboxed so an HTML or SVG body can run
    nothing, inline only for pictures and PDFs, every other type as a download. A row whose
    file is gone answers 404.
    """
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    inline = content_type.startswith("image/") or content_type in INLINE_TYPES
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
