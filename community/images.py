"""Post images: checked (size, real image type, dimensions) and re-encoded by Pillow.

The stored file is always one Pillow wrote: metadata (EXIF location …) and anything a crafted
file might carry beyond its pixels are dropped, and the name is ours, never the uploader's.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # well under Pillow's decompression-bomb limit
MAX_SIDE = 2000  # stored images are scaled down to fit this box


def prepare_image(upload) -> ContentFile:
    """Return a re-encoded copy of `upload` ready to save, or raise ValidationError."""
    if upload.size > settings.COMMUNITY_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s."),
            params={
                "name": upload.name,
                "limit": filesizeformat(settings.COMMUNITY_IMAGE_MAX_BYTES),
            },
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise _not_an_image(upload)
        if width * height > MAX_PIXELS:
            raise ValidationError(
                _("%(name)s has too many pixels."), params={"name": upload.name}, code="too_big"
            )
        # verify() leaves the image unusable: open it again to decode the pixels.
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            return _reencode(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_an_image(upload) from None


def _not_an_image(upload) -> ValidationError:
    return ValidationError(
        _("%(name)s is not a JPEG, PNG, WebP or GIF image."),
        params={"name": upload.name},
        code="invalid_image",
    )


def _reencode(image: Image.Image) -> ContentFile:
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    buffer = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
