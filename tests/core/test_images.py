"""The generic part of an image upload (cocreate/core/images.py): its size, its header, its
decoding and its re-encoding; the apps word the refusals (community/images.py, partners/logos.py)."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from cocreate.core.images import (
    FileTooLarge,
    FormatNotAccepted,
    ImageRefused,
    TooManyPixels,
    image_reencoded,
    image_upload_check,
    image_upload_decode,
)
from tests.images import huge_png, image_upload


def refused_as(upload, refused: ImageRefused) -> ValidationError:
    """An app's wording: here the kind of refusal, for the test to read."""
    return ValidationError(type(refused).__name__, code="refused")


def refusal_of(call) -> str:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message


def test_the_size_is_refused_first_in_the_apps_words():
    upload = image_upload(fmt="PNG")

    check = refusal_of(
        lambda: image_upload_check(
            upload, formats={"PNG"}, max_bytes=upload.size - 1, refusal=refused_as
        )
    )
    decode = refusal_of(
        lambda: image_upload_decode(
            upload, formats={"PNG"}, max_bytes=upload.size - 1, box=10, refusal=refused_as
        )
    )

    assert check == decode == "FileTooLarge"


def test_a_file_too_large_carries_its_size_and_the_limit():
    refused = FileTooLarge(2048, 1024)

    assert (refused.size, refused.limit) == (2048, 1024)


@pytest.mark.parametrize(
    "upload, formats, expected",
    [
        (image_upload(fmt="JPEG"), {"PNG"}, FormatNotAccepted.__name__),
        (huge_png(6300, 6300), {"PNG"}, TooManyPixels.__name__),
    ],
)
def test_the_header_is_refused_in_the_apps_words(upload, formats, expected):
    assert (
        refusal_of(
            lambda: image_upload_check(upload, formats=formats, max_bytes=10**8, refusal=refused_as)
        )
        == expected
    )


def test_an_accepted_upload_is_decoded_within_the_box():
    upload = image_upload(size=(400, 200), fmt="PNG")

    header = image_upload_check(upload, formats={"PNG"}, max_bytes=10**6, refusal=refused_as)
    image = image_upload_decode(
        upload, formats={"PNG"}, max_bytes=10**6, box=100, refusal=refused_as
    )

    assert (header.format, header.width, header.height) == ("PNG", 400, 200)
    assert image.size == (100, 50)


def _stored(file) -> Image.Image:
    return Image.open(io.BytesIO(file.read()))


def test_reencoding_writes_a_jpeg_or_a_png_with_transparency_under_a_new_name():
    opaque = image_reencoded(Image.new("RGB", (8, 8)))
    transparent = image_reencoded(Image.new("RGBA", (8, 8)))
    forced = image_reencoded(Image.new("RGB", (8, 8)), png=True)

    assert opaque.name.endswith(".jpg") and _stored(opaque).format == "JPEG"
    assert transparent.name.endswith(".png") and _stored(transparent).mode == "RGBA"
    assert forced.name.endswith(".png") and _stored(forced).format == "PNG"
    assert len({opaque.name, transparent.name, forced.name}) == 3
