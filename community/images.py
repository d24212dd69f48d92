"""Post images: checked (size, real image type, dimensions) and re-encoded by Pillow.

The stored file is always one Pillow wrote: metadata (EXIF location …) and anything a crafted
file might carry beyond its pixels are dropped, and the name is ours, never the uploader's.
Decoding stays within a memory bound (cocreate/core/images.py): the dimensions are read from
the header and capped by settings.IMAGE_MAX_PIXELS before a pixel is decoded.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from cocreate.core.images import (
    ImageRefused,
    TooManyPixels,
    image_decode,
    image_header,
    megapixels,
)

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SIDE = 2000  # stored images are scaled down to fit this box


def check_image(upload) -> None:
    """Raise the ValidationError prepare_image would raise for the upload's size, type or
    dimensions, reading only its header (no pixel decoded)."""
    _check_size(upload)
    try:
        image_header(upload, formats=ALLOWED_FORMATS)
    except ImageRefused as refused:
        raise _refusal(upload, refused) from None


def prepare_image(upload) -> ContentFile:
    """Return a re-encoded copy of `upload` ready to save, or raise ValidationError."""
    _check_size(upload)
    try:
        image = image_decode(upload, formats=ALLOWED_FORMATS, box=MAX_SIDE)
    except ImageRefused as refused:
        raise _refusal(upload, refused) from None
    return _reencode(image)


def _check_size(upload) -> None:
    if upload.size > settings.COMMUNITY_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s."),
            params={
                "name": upload.name,
                "limit": filesizeformat(settings.COMMUNITY_IMAGE_MAX_BYTES),
            },
            code="too_large",
        )


def _refusal(upload, refused: ImageRefused) -> ValidationError:
    if isinstance(refused, TooManyPixels):
        return ValidationError(
            _("%(name)s has too many pixels: at most %(limit)s megapixels."),
            params={"name": upload.name, "limit": megapixels(refused.limit)},
            code="too_big",
        )
    return ValidationError(
        _("%(name)s is not a JPEG, PNG, WebP or GIF image."),
        params={"name": upload.name},
        code="invalid_image",
    )


def _reencode(image: Image.Image) -> ContentFile:
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    buffer = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
