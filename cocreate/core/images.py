"""Uploaded images decoded within a memory bound: post images, partner logos.

A small compressed file can declare a huge canvas: a 170 KB PNG of 6300 × 6300 pixels decodes
to 119 MB, and every full-size copy (orientation, mode conversion) costs as much again. So an
upload is first read from its header only (format, width, height: no pixel decoded) and refused
above `settings.IMAGE_MAX_PIXELS`; then it is decoded no larger than needed: a JPEG at 1/2, 1/4
or 1/8 scale by the decoder itself (Pillow's `draft`), other formats reduced by an integer
factor right after decoding (`thumbnail` → `reduce`), and only the small image is turned
upright or converted. Writes that carry images also count against a per-user rate
(`image_upload_rate_limit_hit`), shared by pages and the API.

An app takes an upload in two steps, each refusing in the app's own words (`refusal`):
`image_upload_check` (its size, then its header: nothing decoded; a form's or serializer's
field check) and `image_upload_decode` (the same, then the pixels); `image_reencoded` then
writes the file that is stored, which Pillow writes from the pixels alone, so metadata (EXIF
location …) and anything a crafted file carried beyond its pixels are dropped, under a name of
ours, never the uploader's.
"""

import io
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from rest_framework.exceptions import Throttled

from .ratelimit import RateLimit, rate_limit_hit

# The scope of REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] holding the rate of writes with images.
IMAGE_UPLOAD_SCOPE = "image_uploads"


class ImageRefused(Exception):
    """The upload is not an image we decode; callers turn it into their own message."""


class FileTooLarge(ImageRefused):
    """More bytes than the app accepts (checked before the file is opened)."""

    def __init__(self, size: int, limit: int):
        super().__init__(size, limit)
        self.size, self.limit = size, limit


class NotAnImage(ImageRefused):
    """Not an image Pillow can read, or a damaged one."""


class FormatNotAccepted(ImageRefused):
    def __init__(self, image_format: str):
        super().__init__(image_format)
        self.image_format = image_format


class TooManyPixels(ImageRefused):
    def __init__(self, width: int, height: int):
        super().__init__(width, height)
        self.width, self.height = width, height
        self.limit = settings.IMAGE_MAX_PIXELS


def megapixels(pixels: int) -> str:
    """16000000 → "16", 12500000 → "12.5": the limit as people read it."""
    return f"{pixels / 1_000_000:g}"


@dataclass(frozen=True)
class ImageHeader:
    format: str
    width: int
    height: int


_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def image_header(upload, *, formats) -> ImageHeader:
    """The upload's format and size, read from its header without decoding a pixel.

    Raises NotAnImage (also for a file whose structure is damaged: `verify` walks it without
    decoding), FormatNotAccepted for a format outside `formats`, TooManyPixels above
    `settings.IMAGE_MAX_PIXELS`.
    """
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            header = ImageHeader(probe.format or "", *probe.size)
            if header.format in formats and header.width * header.height <= (
                settings.IMAGE_MAX_PIXELS
            ):
                probe.verify()
    except Image.DecompressionBombError:  # Pillow's own ceiling, far above ours
        raise TooManyPixels(0, 0) from None
    except _UNREADABLE:
        raise NotAnImage() from None
    finally:
        upload.seek(0)
    if header.format not in formats:
        raise FormatNotAccepted(header.format)
    if header.width * header.height > settings.IMAGE_MAX_PIXELS:
        raise TooManyPixels(header.width, header.height)
    return header


def image_decode(upload, *, formats, box: int) -> Image.Image:
    """The upload's pixels, upright (EXIF orientation) and fitted into `box` × `box`.

    Checked by `image_header` first; raises the same exceptions. The image returned is loaded
    and detached from the upload.
    """
    image_header(upload, formats=formats)
    try:
        with Image.open(upload) as image:
            if image.format == "JPEG":
                # Decoded at the smallest 1/2, 1/4 or 1/8 scale still covering the fitted size.
                image.draft(None, _fitted(image.size, box))
            image.load()
            if image.mode in ("P", "1"):
                # Palette images would be shrunk pixel by pixel (nearest neighbour): converted
                # first, they are resampled. The pixel cap bounds this copy.
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            # Keeps the fitted image only (reduced by an integer factor first when much larger);
            # a square box fits a turned image all the same.
            image.thumbnail((box, box))
            _upright(image)
            return image
    except Image.DecompressionBombError:
        raise TooManyPixels(0, 0) from None
    except _UNREADABLE:
        raise NotAnImage() from None
    finally:
        upload.seek(0)


def _fitted(size: tuple[int, int], box: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, box / max(width, height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def _upright(image: Image.Image) -> None:
    """Turn the (already small) image as its EXIF orientation says, in place."""
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    if orientation != 1:
        ImageOps.exif_transpose(image, in_place=True)


# An app's words for a refusal: (the upload, what refused it) → the ValidationError it raises.
Refusal = Callable[[object, ImageRefused], ValidationError]


def image_upload_check(
    upload, *, formats: Collection[str], max_bytes: int, refusal: Refusal
) -> ImageHeader:
    """The upload's header, once its size (at most `max_bytes`) and its header (`image_header`)
    passed; else raises `refusal(upload, refused)`. No pixel is decoded."""
    try:
        _check_size(upload, max_bytes)
        return image_header(upload, formats=formats)
    except ImageRefused as refused:
        raise refusal(upload, refused) from None


def image_upload_decode(
    upload, *, formats: Collection[str], max_bytes: int, box: int, refusal: Refusal
) -> Image.Image:
    """`image_decode` of the upload once its size passed; raises `refusal(upload, refused)`."""
    try:
        _check_size(upload, max_bytes)
        return image_decode(upload, formats=formats, box=box)
    except ImageRefused as refused:
        raise refusal(upload, refused) from None


def _check_size(upload, max_bytes: int) -> None:
    if upload.size > max_bytes:
        raise FileTooLarge(upload.size, max_bytes)


def image_reencoded(image: Image.Image, *, png: bool = False) -> ContentFile:
    """The file to store: the pixels written anew under a random name, as a PNG when `png` or
    when the image has transparency, else as a JPEG."""
    transparent = image.mode in ("RGBA", "LA") or (
        image.mode == "P" and "transparency" in image.info
    )
    buffer = io.BytesIO()
    if png or transparent:
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def image_upload_rate() -> RateLimit:
    return RateLimit.parse(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][IMAGE_UPLOAD_SCOPE])


def image_upload_rate_limit_hit(*, user) -> int | None:
    """Count one write carrying images by `user` (a post edited with new images, a logo); None
    if allowed, else the seconds to wait. Pages and the API share the budget; call it once the
    rest of the input is valid and the images' headers passed `image_header`, before decoding."""
    return rate_limit_hit(key=f"images:{user.pk}", rate=image_upload_rate())


def image_upload_rate_limit_enforce(*, user) -> None:
    """The API's count: raises Throttled (429 with Retry-After)."""
    wait = image_upload_rate_limit_hit(user=user)
    if wait is not None:
        raise Throttled(wait=wait)
