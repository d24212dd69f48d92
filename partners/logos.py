"""Partner logos: checked, shrunk and re-encoded by Pillow before anything is stored.

Re-encoding drops whatever else the upload carried (metadata, trailing payloads, a script
posing as an image), so the files we serve from /media/ are plain PNGs we wrote ourselves.
"""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 512
# Refuse images that would expand to more pixels than this before decoding them (zip bombs).
LOGO_MAX_PIXELS = 25_000_000
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def logo_clean(upload) -> ContentFile:
    """Return a re-encoded PNG of `upload`, at most LOGO_MAX_SIDE pixels a side.

    Raises ValidationError for a file that is too large, is not an image, or is an image in a
    format we do not accept.
    """
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("Upload a PNG, JPEG, GIF or WebP image."), code="invalid_format"
                )
            width, height = image.size
            if width * height > LOGO_MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_large")
            image.load()
            image = image.convert("RGBA")
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise ValidationError(
            _("This file is not an image we can read. Upload a PNG, JPEG, GIF or WebP image."),
            code="invalid_image",
        ) from error
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(8)}.png")
