"""Ids in query strings and forms: "²" passes str.isdigit() but is no number int() reads, so
they are read by form fields and anything else is a 400, never a 500."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community import services
from community.models import Post, PostImage
from tests.community.post_forms import edit_form
from tests.factories.accounts import customer
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["²", "¹²", "⑦", "-3", "0", "1.5", "abc", "9" * 30]


def _similar(client, product, **params):
    return client.get(
        reverse("community:similar", args=[product.slug]), {"title": "battery"} | params
    )


@pytest.mark.parametrize("exclude", NOT_NUMBERS)
def test_similar_posts_with_an_exclude_that_is_not_an_id_is_400(client, product, exclude):
    PostFactory(product=product, title="Battery drains overnight")

    response = _similar(client, product, exclude=exclude)

    assert response.status_code == 400
    assert "Battery drains overnight" not in response.content.decode()


def test_similar_posts_leave_out_the_excluded_post(client, product):
    editing = PostFactory(product=product, title="Battery drains overnight")
    other = PostFactory(product=product, title="Battery swells in the heat")

    html = _similar(client, product, exclude=str(editing.pk)).content.decode()
    without_exclude = _similar(client, product, exclude="").content.decode()

    assert other.title in html and editing.title not in html
    assert editing.title in without_exclude and other.title in without_exclude


def _png(name="shot.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (0, 128, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def post_with_images(product):
    author = customer(date_joined=timezone.now() - timedelta(days=365))
    return services.post_create(
        author=author,
        product=product,
        kind=Post.Kind.FEEDBACK,
        title="Photos of the scratch",
        body="See the pictures",
        images=[_png(), _png("second.png")],
    )


@pytest.mark.parametrize("bad_id", NOT_NUMBERS)
def test_removing_an_image_by_something_that_is_not_an_id_is_a_form_error(
    client, post_with_images, bad_id
):
    # given the author editing a post with two images
    post = post_with_images
    first = post.images.order_by("position").first()
    client.force_login(post.author)

    # when the form names one real image and one that is not a number
    response = client.post(
        reverse("community:post_edit", args=[post.product.slug, post.pk]),
        edit_form(post, parts=0, title="Renamed", remove_image=[str(first.pk), bad_id]),
    )

    # then the form comes back with an error and nothing changed
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    post.refresh_from_db()
    assert post.title == "Photos of the scratch"
    assert PostImage.objects.filter(post=post).count() == 2


def test_the_author_removes_an_image_through_the_form(client, post_with_images):
    post = post_with_images
    first, second = post.images.order_by("position")
    client.force_login(post.author)

    response = client.post(
        reverse("community:post_edit", args=[post.product.slug, post.pk]),
        edit_form(post, parts=0, remove_image=[str(first.pk)]),
    )

    assert response.status_code == 302
    assert list(PostImage.objects.filter(post=post).values_list("pk", flat=True)) == [second.pk]
