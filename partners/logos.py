"""Partner logos: checked, shrunk and re-encoded by Pillow before anything is stored.

Re-encoding drops whatever else the upload carried (metadata, trailing payloads, a script
posing as an image), so the files we serve from /media/ are plain PNGs we wrote ourselves.
Decoding stays within a memory bound (cocreate/core/images.py): the dimensions are read from
the header and capped by settings.IMAGE_MAX_PIXELS before a pixel is decoded.
"""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cocreate.core.images import (
    FormatNotAccepted,
    ImageRefused,
    TooManyPixels,
    image_decode,
    image_header,
    megapixels,
)

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 512
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def logo_check(upload) -> None:
    """Raise the ValidationError logo_clean would raise for the upload's size, format or
    dimensions, reading only its header (no pixel decoded)."""
    _check_size(upload)
    try:
        image_header(upload, formats=ACCEPTED_FORMATS)
    except ImageRefused as refused:
        raise _refusal(refused) from None


def logo_clean(upload) -> ContentFile:
    """Return a re-encoded PNG of `upload`, at most LOGO_MAX_SIDE pixels a side.

    Raises ValidationError for a file that is too large, is not an image, is an image in a
    format we do not accept or has too many pixels.
    """
    _check_size(upload)
    try:
        image = image_decode(upload, formats=ACCEPTED_FORMATS, box=LOGO_MAX_SIDE)
    except ImageRefused as refused:
        raise _refusal(refused) from None
    buffer = io.BytesIO()
    image.convert("RGBA").save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(8)}.png")


def _check_size(upload) -> None:
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
            code="too_large",
        )


def _refusal(refused: ImageRefused) -> ValidationError:
    if isinstance(refused, FormatNotAccepted):
        return ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."), code="invalid_format")
    if isinstance(refused, TooManyPixels):
        return ValidationError(
            _("The image has too many pixels: at most %(limit)s megapixels."),
            params={"limit": megapixels(refused.limit)},
            code="too_large",
        )
    return ValidationError(
        _("This file is not an image we can read. Upload a PNG, JPEG, GIF or WebP image."),
        code="invalid_image",
    )
