"""Partner logos: checked, shrunk and re-encoded by Pillow before anything is stored.

The generic part is the ground floor's (cocreate/core/images.py): the size and header checks,
decoding within a memory bound (the dimensions are read from the header and capped by
settings.IMAGE_MAX_PIXELS before a pixel is decoded), and the re-encoding, which drops whatever
else the upload carried (metadata, trailing payloads, a script posing as an image), so the files
we serve from /media/ are plain PNGs we wrote ourselves. Here: what a logo accepts, and how a
refusal reads.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cocreate.core.images import (
    FileTooLarge,
    FormatNotAccepted,
    ImageRefused,
    TooManyPixels,
    image_reencoded,
    image_upload_check,
    image_upload_decode,
    megapixels,
)

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 512
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def logo_check(upload) -> None:
    """Raise the ValidationError logo_clean would raise for the upload's size, format or
    dimensions, reading only its header (no pixel decoded)."""
    image_upload_check(upload, formats=ACCEPTED_FORMATS, max_bytes=LOGO_MAX_BYTES, refusal=_refusal)


def logo_clean(upload) -> ContentFile:
    """Return a re-encoded PNG of `upload`, at most LOGO_MAX_SIDE pixels a side.

    Raises ValidationError for a file that is too large, is not an image, is an image in a
    format we do not accept or has too many pixels.
    """
    image = image_upload_decode(
        upload,
        formats=ACCEPTED_FORMATS,
        max_bytes=LOGO_MAX_BYTES,
        box=LOGO_MAX_SIDE,
        refusal=_refusal,
    )
    return image_reencoded(image, png=True)


def _refusal(upload, refused: ImageRefused) -> ValidationError:
    if isinstance(refused, FileTooLarge):
        return ValidationError(
            _("The logo is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(refused.size), "limit": filesizeformat(refused.limit)},
            code="too_large",
        )
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
