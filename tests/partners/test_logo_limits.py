"""Logos are decoded within a memory bound and count against the image upload rate, on the
page and in the API alike (cocreate/core/images.py)."""

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import ImageFile

from partners.models import Partner
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory
from tests.images import huge_png, image_upload

from .test_profile import PROFILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"image_uploads": "2/hour"}
    }
    user = UserFactory()
    partner = PartnerFactory(slug="ours", members=[user])
    client.force_login(user)
    return partner


@pytest.fixture
def decoded(monkeypatch):
    """How many images Pillow decoded."""
    count = []
    load = ImageFile.ImageFile.load

    def counting_load(image):
        if image.tile:
            count.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return count


def _api_logo(client, upload):
    return client.patch(
        "/api/v1/partners/ours/",
        encode_multipart(BOUNDARY, {"logo": upload}),
        content_type=MULTIPART_CONTENT,
    )


def test_a_logo_over_the_pixel_limit_is_refused_undecoded(client, member, settings, decoded):
    settings.IMAGE_MAX_PIXELS = 1_000_000

    response = _api_logo(client, huge_png(1001, 1000, "logo.png"))

    assert response.status_code == 400
    assert response.json()["errors"]["logo"] == [
        "The image has too many pixels: at most 1 megapixels."
    ]
    assert decoded == []
    assert not Partner.objects.get(slug="ours").logo


def test_api_logo_uploads_are_rate_limited_and_not_decoded_over_the_rate(client, member, decoded):
    answers = [_api_logo(client, image_upload(f"{n}.png", fmt="PNG")) for n in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "throttled" and "Retry-After" in answers[2]
    assert len(decoded) == 2


def test_page_and_api_share_the_budget(client, member):
    url = reverse("partners:profile", args=[member.slug])

    first = client.post(url, {**PROFILE, "logo_upload": image_upload("a.png", fmt="PNG")})
    second = _api_logo(client, image_upload("b.png", fmt="PNG"))
    third = client.post(url, {**PROFILE, "logo_upload": image_upload("c.png", fmt="PNG")})
    without_logo = client.post(url, PROFILE)

    assert (first.status_code, second.status_code, third.status_code) == (302, 200, 429)
    assert "Too many images uploaded" in third.content.decode()
    assert without_logo.status_code == 302
