"""Page interactions: posting through the form, similar posts, voting (htmx and plain), rate limits."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community import services
from community.models import Post, Vote
from tests.community.post_forms import post_form
from tests.factories.accounts import customer
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db


def veteran():
    return customer(date_joined=timezone.now() - timedelta(days=365))


def _form(product, **changes):
    modification = {
        "kind": "modification",
        "title": "Silent fan swap",
        "body": "Replace the stock fan",
        "tags": "fan, noise",
    }
    return post_form(parts=2, **modification) | changes


def test_posting_a_modification_with_parts_through_the_form(client, product, part):
    client.force_login(veteran())

    response = client.post(
        reverse("community:post_new", args=[product.slug]),
        _form(product, **{"parts-0-part": str(part.pk), "parts-0-quantity": "2"}),
    )

    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert [(row.part_id, row.quantity) for row in post.parts.all()] == [(part.pk, 2)]
    assert sorted(tag.slug for tag in post.tags.all()) == ["fan", "noise"]


def test_form_errors_are_shown_and_nothing_is_saved(client, product, part):
    client.force_login(veteran())

    response = client.post(
        reverse("community:post_new", args=[product.slug]),
        _form(product, kind="question", title="", **{"parts-0-part": str(part.pk)}),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert not Post.objects.exists()


def test_parts_on_a_question_are_refused_on_the_form(client, product, part):
    client.force_login(veteran())

    response = client.post(
        reverse("community:post_new", args=[product.slug]),
        _form(product, kind="question", **{"parts-0-part": str(part.pk)}),
    )

    assert response.status_code == 400
    assert "Only a modification can list parts." in response.content.decode()
    assert not Post.objects.exists()


def test_similar_posts_appear_for_a_title(client, product):
    PostFactory(product=product, title="Battery drains overnight")
    PostFactory(product=product, title="Louder speaker", body="More volume")

    html = client.get(
        reverse("community:similar", args=[product.slug]), {"title": "battery drain"}
    ).content.decode()

    assert "Battery drains overnight" in html and "Louder speaker" not in html


def test_at_most_five_similar_posts_appear(client, product):
    for i in range(7):
        PostFactory(product=product, title=f"Battery idea {i}")

    html = client.get(
        reverse("community:similar", args=[product.slug]), {"title": "battery"}
    ).content.decode()

    assert html.count("<li>") == 5


def test_htmx_vote_answers_the_button_in_place(client, product):
    post = PostFactory(product=product)
    client.force_login(veteran())
    url = reverse("community:post_vote", args=[product.slug, post.pk])

    response = client.post(url, {"voted": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<form") and 'data-testid="vote-count">1<' in html
    assert 'aria-pressed="true"' in html and 'name="voted" value="0"' in html
    client.post(url, {"voted": "0"}, HTTP_HX_REQUEST="true")
    assert not Vote.objects.exists()


def test_plain_form_vote_redirects_back(client, product):
    post = PostFactory(product=product)
    client.force_login(veteran())

    response = client.post(
        reverse("community:post_vote", args=[product.slug, post.pk]),
        {"voted": "1", "next": "https://evil.example/"},
    )

    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert Vote.objects.filter(post=post).count() == 1


def test_anonymous_vote_goes_to_login(client, product):
    post = PostFactory(product=product)
    response = client.post(reverse("community:post_vote", args=[product.slug, post.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_htmx_vote_on_a_locked_post_shows_why(client, product):
    post = PostFactory(product=product, is_locked=True)
    client.force_login(veteran())

    response = client.post(
        reverse("community:post_vote", args=[product.slug, post.pk]),
        {"voted": "1"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "locked" in response.content.decode()


def test_page_actions_are_rate_limited_with_retry_after(client, product, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"community_comment": "1/hour"}
    }
    post = PostFactory(product=product)
    client.force_login(veteran())
    url = reverse("community:post_comment", args=[product.slug, post.pk])

    assert client.post(url, {"body": "first"}).status_code == 302
    refused = client.post(url, {"body": "second"})

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert post.comments.count() == 1


def test_edit_page_is_404_for_others_and_works_for_the_author(client, product):
    post = services.post_create(
        author=veteran(), product=product, kind="question", title="Which charger?", body="?"
    )
    edit = reverse("community:post_edit", args=[product.slug, post.pk])

    client.force_login(veteran())
    assert client.get(edit).status_code == 404
    client.force_login(post.author)
    response = client.post(edit, _form(product, kind="question", title="Which charger fits?"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Which charger fits?"


def test_delete_page_soft_deletes(client, product):
    post = PostFactory(product=product)
    client.force_login(post.author)

    client.post(reverse("community:post_delete", args=[product.slug, post.pk]))

    post.refresh_from_db()
    assert post.is_deleted
    assert client.get(post.get_absolute_url()).status_code == 404


def test_flag_and_follow_from_the_post_page(client, product):
    post = PostFactory(product=product)
    reader = veteran()
    client.force_login(reader)

    client.post(reverse("community:post_flag", args=[product.slug, post.pk]), {"reason": "spam"})
    again = client.post(
        reverse("community:post_flag", args=[product.slug, post.pk]),
        {"reason": "spam"},
        follow=True,
    )
    client.post(reverse("community:post_follow", args=[product.slug, post.pk]), {"follow": "1"})

    assert "already flagged" in again.content.decode()
    assert post.flags.count() == 1
    assert post.follows.filter(user=reader).exists()


def test_images_uploaded_with_the_form_are_stored_re_encoded(client, product):
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 48), (0, 128, 0, 128)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("shot.png", buffer.getvalue(), content_type="image/png")
    client.force_login(veteran())

    response = client.post(
        reverse("community:post_new", args=[product.slug]),
        _form(product, kind="feedback", images=upload),
    )

    post = Post.objects.get()
    assert response.status_code == 302
    image = post.images.get()
    assert image.image.name.endswith(".png") and (image.width, image.height) == (64, 48)
    assert image.image.url in client.get(post.get_absolute_url()).content.decode()


def test_a_file_that_is_not_an_image_is_a_form_error(client, product):
    client.force_login(veteran())

    response = client.post(
        reverse("community:post_new", args=[product.slug]),
        _form(product, kind="feedback", images=SimpleUploadedFile("x.png", b"not an image")),
    )

    assert response.status_code == 400
    assert "is not a JPEG, PNG, WebP or GIF image" in response.content.decode()
    assert not Post.objects.exists()


def test_authors_see_their_count_without_a_vote_button(client, product):
    post = PostFactory(product=product)
    client.force_login(post.author)

    html = client.get(post.get_absolute_url()).content.decode()

    assert 'class="vote vote-own"' in html
    assert reverse("community:post_vote", args=[product.slug, post.pk]) not in html
