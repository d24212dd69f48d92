"""Editing a post through the API with each body the API parses: JSON, form-encoded and
multipart. A partial edit (PATCH) keeps what it does not name."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community import services
from community.models import Post
from tests.factories.accounts import customer
from tests.factories.products import PartFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def build(product, part):
    """A modification with two tags and one part, by a seasoned customer."""
    author = customer(date_joined=timezone.now() - timedelta(days=365))
    return services.post_create(
        author=author,
        product=product,
        kind=Post.Kind.MODIFICATION,
        title="Car mount with charger",
        body="Uses two chargers",
        tags=["car", "charging"],
        parts=[(part, 2)],
    )


def _as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _tags(post) -> list[str]:
    return sorted(tag.slug for tag in post.tags.all())


def _parts(post) -> list[tuple[int, int]]:
    return [(row.part_id, row.quantity) for row in post.parts.all()]


def test_a_form_encoded_patch_changes_what_it_names_and_keeps_the_rest(build, part):
    # when the author sends a form-encoded PATCH with only a title
    response = _as(build.author).patch(
        f"/api/v1/posts/{build.pk}/",
        urlencode({"title": "A sturdier car mount"}),
        content_type=FORM,
    )

    # then the title changes, and tags and build stay
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "A sturdier car mount"
    build.refresh_from_db()
    assert build.title == "A sturdier car mount" and build.body == "Uses two chargers"
    assert _tags(build) == ["car", "charging"] and _parts(build) == [(part.pk, 2)]


def test_a_form_encoded_patch_takes_a_repeated_field_as_a_list(build, part):
    body = urlencode([("tags", "mount"), ("tags", "dashboard"), ("body", "Now with a clamp")])

    response = _as(build.author).patch(f"/api/v1/posts/{build.pk}/", body, content_type=FORM)

    assert response.status_code == 200, response.json()
    build.refresh_from_db()
    assert _tags(build) == ["dashboard", "mount"] and build.body == "Now with a clamp"
    assert _parts(build) == [(part.pk, 2)]


def test_a_form_encoded_patch_takes_indexed_fields_as_the_build(build, product):
    other = PartFactory(compatible_with=[product])
    body = urlencode({"parts[0]part": other.pk, "parts[0]quantity": 4})

    response = _as(build.author).patch(f"/api/v1/posts/{build.pk}/", body, content_type=FORM)

    assert response.status_code == 200, response.json()
    build.refresh_from_db()
    assert _parts(build) == [(other.pk, 4)] and _tags(build) == ["car", "charging"]


def test_a_multipart_patch_changes_what_it_names(build, part):
    response = _as(build.author).patch(
        f"/api/v1/posts/{build.pk}/", {"title": "Mount, multipart"}, format="multipart"
    )

    assert response.status_code == 200, response.json()
    build.refresh_from_db()
    assert build.title == "Mount, multipart" and _parts(build) == [(part.pk, 2)]


def test_a_json_patch_keeps_tags_and_build(build, part):
    response = _as(build.author).patch(
        f"/api/v1/posts/{build.pk}/", {"body": "Clamp included"}, format="json"
    )

    assert response.status_code == 200, response.json()
    build.refresh_from_db()
    assert build.body == "Clamp included" and build.title == "Car mount with charger"
    assert _tags(build) == ["car", "charging"] and _parts(build) == [(part.pk, 2)]


def test_a_form_encoded_put_replaces_the_post(build):
    body = urlencode({"kind": "question", "title": "Which mount?", "body": "Any advice?"})

    response = _as(build.author).put(f"/api/v1/posts/{build.pk}/", body, content_type=FORM)

    assert response.status_code == 200, response.json()
    build.refresh_from_db()
    assert (build.kind, build.title) == ("question", "Which mount?")
    assert _tags(build) == [] and _parts(build) == []


def test_a_patch_with_a_bad_field_is_400_and_changes_nothing(build):
    response = _as(build.author).patch(
        f"/api/v1/posts/{build.pk}/", urlencode({"title": "", "body": "x"}), content_type=FORM
    )

    assert response.status_code == 400 and "title" in response.json()["errors"]
    build.refresh_from_db()
    assert build.title == "Car mount with charger" and build.body == "Uses two chargers"


def test_a_json_body_that_is_not_an_object_is_400(build):
    response = _as(build.author).patch(f"/api/v1/posts/{build.pk}/", ["title"], format="json")

    assert response.status_code == 400
