"""Post images: checked (size, real image type, dimensions) and re-encoded by Pillow.

The generic part is the ground floor's (cocreate/core/images.py): the size and header checks,
decoding within a memory bound, and the re-encoding that drops metadata and names the file.
Here: what a post accepts, and how a refusal reads (naming the file, since a post carries several).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cocreate.core.images import (
    FileTooLarge,
    ImageRefused,
    TooManyPixels,
    image_reencoded,
    image_upload_check,
    image_upload_decode,
    megapixels,
)

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SIDE = 2000  # stored images are scaled down to fit this box


def check_image(upload) -> None:
    """Raise the ValidationError prepare_image would raise for the upload's size, type or
    dimensions, reading only its header (no pixel decoded)."""
    image_upload_check(
        upload,
        formats=ALLOWED_FORMATS,
        max_bytes=settings.COMMUNITY_IMAGE_MAX_BYTES,
        refusal=_refusal,
    )


def prepare_image(upload) -> ContentFile:
    """Return a re-encoded copy of `upload` ready to save, or raise ValidationError."""
    image = image_upload_decode(
        upload,
        formats=ALLOWED_FORMATS,
        max_bytes=settings.COMMUNITY_IMAGE_MAX_BYTES,
        box=MAX_SIDE,
        refusal=_refusal,
    )
    return image_reencoded(image)


def _refusal(upload, refused: ImageRefused) -> ValidationError:
    if isinstance(refused, FileTooLarge):
        return ValidationError(
            _("%(name)s is larger than %(limit)s."),
            params={"name": upload.name, "limit": filesizeformat(refused.limit)},
            code="too_large",
        )
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
