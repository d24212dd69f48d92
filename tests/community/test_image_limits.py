"""Post images are decoded within a memory bound, and edits carrying images are rate limited.

A small file can declare a huge canvas: its dimensions are checked from the header against
settings.IMAGE_MAX_PIXELS before a pixel is decoded, a JPEG is decoded at a reduced scale, and
edits with images count against THROTTLE_IMAGE_UPLOADS (cocreate/core/images.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import ImageFile

from community import services
from community.images import prepare_image
from community.models import Post, PostImage
from tests.community.post_forms import edit_form
from tests.factories.accounts import customer
from tests.factories.community import PostFactory
from tests.images import huge_png, image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of every image Pillow decodes (ImageFile.load), in order."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recording_load(image):
        if image.tile:  # pixels still to decode
            sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return sizes


def test_a_small_png_of_a_huge_canvas_is_refused_before_decoding(product, decoded_sizes):
    # given a 116 KB PNG that declares 6300 × 6300 pixels (119 MB decoded)
    upload = huge_png(6300, 6300)
    assert upload.size < 200_000

    # when it is attached to a post
    with pytest.raises(ValidationError) as refused:
        services.post_create(
            author=customer(),
            product=product,
            kind=Post.Kind.SUGGESTION,
            title="A wallpaper idea",
            body="See the picture.",
            images=[upload],
        )

    # then it is refused for its pixels, and not one was decoded
    assert refused.value.message_dict["images"] == [
        "huge.png has too many pixels: at most 16 megapixels."
    ]
    assert decoded_sizes == []
    assert not Post.objects.exists()


def test_the_pixel_limit_is_a_setting(settings):
    settings.IMAGE_MAX_PIXELS = 1_000

    with pytest.raises(ValidationError, match="at most 0.001 megapixels"):
        prepare_image(image_upload(size=(40, 30)))
    assert prepare_image(image_upload(size=(40, 25)))  # 1,000 pixels


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(decoded_sizes):
    # given a 4000 × 3000 JPEG (12 Mpx, under the limit)
    upload = image_upload(size=(4000, 3000), quality=30)

    stored = prepare_image(upload)

    # then the decoder produced half-size pixels, never the full 36 MB
    assert decoded_sizes == [(2000, 1500)]
    assert stored.name.endswith(".jpg")


def test_exif_orientation_is_still_applied(decoded_sizes):
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    upload = image_upload(size=(4000, 2000), exif=exif.tobytes())

    stored = prepare_image(upload)

    with Image.open(stored) as image:
        assert image.size == (1000, 2000)


# --- Rate limit of edits carrying images -----------------------------------------------------------


@pytest.fixture
def own_post(client, product, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.COMMUNITY_MAX_IMAGES_PER_POST = 10
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"image_uploads": "2/hour"}
    }
    author = customer(date_joined=timezone.now() - timedelta(days=365))
    post = PostFactory(product=product, author=author)
    client.force_login(author)
    return post, reverse("community:post_edit", args=[product.slug, post.pk])


def test_edits_carrying_images_are_rate_limited(client, own_post):
    post, url = own_post

    answers = [
        client.post(url, edit_form(post, images=image_upload(f"{n}.jpg"))).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]
    assert PostImage.objects.filter(post=post).count() == 2


def test_edits_without_images_or_with_refused_ones_do_not_count(client, own_post):
    post, url = own_post

    plain = [client.post(url, edit_form(post, body=f"Take {n}")).status_code for n in range(3)]
    refused = client.post(url, edit_form(post, images=huge_png(6300, 6300))).status_code
    with_images = [
        client.post(url, edit_form(post, images=image_upload(f"{n}.jpg"))).status_code
        for n in range(2)
    ]

    assert plain == [302, 302, 302]
    assert refused == 400
    assert with_images == [302, 302]
