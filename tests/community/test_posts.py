"""Writing posts: rules, Markdown, images, soft delete, comments, follows and reputation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cocreate.notifications.models import Notification
from community import services
from community.models import Follow, Post, PostImage, ReputationEvent
from community.selectors import reputation_of
from tests.factories.accounts import agent, customer
from tests.factories.products import PartFactory

pytestmark = pytest.mark.django_db


def _image(fmt="PNG", size=(40, 30), name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _create(product, **kwargs):
    fields = {
        "author": customer(),
        "product": product,
        "kind": Post.Kind.SUGGESTION,
        "title": "A longer battery life",
        "body": "Please",
    } | kwargs
    return services.post_create(**fields)


def test_body_is_rendered_once_to_sanitised_html(product):
    post = _create(product, body="**Bold** <script>alert(1)</script> [x](javascript:alert(1))")

    assert "<strong>Bold</strong>" in post.body_html
    assert "<script" not in post.body_html and 'href="javascript' not in post.body_html


def test_author_follows_their_post(product):
    post = _create(product)
    assert Follow.objects.filter(user=post.author, post=post).exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"title": ""}, "title"),
        ({"title": "abc"}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 20001}, "body"),
        ({"kind": "evaluation"}, "kind"),
        ({"tags": [f"tag{n}" for n in range(6)]}, "tags"),
    ],
)
def test_invalid_posts_are_refused_and_nothing_is_saved(product, fields, error_field):
    with pytest.raises(ValidationError) as refused:
        _create(product, **fields)

    assert error_field in refused.value.message_dict
    assert not Post.objects.exists()


def test_parts_only_on_a_modification_and_each_once(product, part):
    with pytest.raises(ValidationError) as on_suggestion:
        _create(product, parts=[(part, 1)])
    with pytest.raises(ValidationError) as twice:
        _create(product, kind=Post.Kind.MODIFICATION, parts=[(part, 1), (part, 2)])
    with pytest.raises(ValidationError) as zero:
        _create(product, kind=Post.Kind.MODIFICATION, parts=[(part, 0)])

    for refused in (on_suggestion, twice, zero):
        assert "parts" in refused.value.message_dict
    assert not Post.objects.exists()


def test_images_are_reencoded_under_our_name(product):
    post = _create(product, images=[_image(fmt="JPEG", name="../../etc/evil.php.jpg")])

    image = PostImage.objects.get(post=post)
    assert image.image.name.startswith(f"community/posts/{post.pk}/")
    assert "evil" not in image.image.name and image.image.name.endswith(".jpg")
    assert (image.width, image.height) == (40, 30)


def test_a_file_that_is_not_an_image_is_refused(product):
    fake = SimpleUploadedFile("photo.png", b"<?php system($_GET['c']); ?>")

    with pytest.raises(ValidationError) as refused:
        _create(product, images=[fake])

    assert "images" in refused.value.message_dict
    assert not Post.objects.exists()


def test_an_oversized_image_is_refused(product, settings):
    settings.COMMUNITY_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        _create(product, images=[_image(size=(400, 400))])
    assert "images" in refused.value.message_dict


def test_too_many_images_are_refused(product, settings):
    settings.COMMUNITY_MAX_IMAGES_PER_POST = 1
    with pytest.raises(ValidationError):
        _create(product, images=[_image(), _image()])


def test_author_edits_content_and_build(product, part):
    post = _create(product, kind=Post.Kind.MODIFICATION, parts=[(part, 1)])
    other = PartFactory()

    services.post_update(
        post=post,
        editor=post.author,
        kind=Post.Kind.MODIFICATION,
        title="A longer battery life, revised",
        body="Now with *more*",
        tags=["power"],
        parts=[(other, 4)],
    )

    post.refresh_from_db()
    assert post.edited_at is not None and "<em>more</em>" in post.body_html
    assert [(row.part, row.quantity) for row in post.parts.all()] == [(other, 4)]
    assert [tag.slug for tag in post.tags.all()] == ["power"]


def test_soft_delete_keeps_votes_and_reputation(product):
    post = _create(product)
    services.vote_cast(user=customer(), post=post)

    services.post_delete(post=post, actor=post.author)

    post.refresh_from_db()
    assert post.is_deleted and post.vote_count == 1 and post.votes.count() == 1
    assert reputation_of(post.author) == 2


def test_votes_feed_the_authors_reputation_ledger(product):
    post = _create(product)
    voter = customer()

    services.vote_cast(user=voter, post=post)
    services.vote_withdraw(user=voter, post=post)
    services.vote_cast(user=voter, post=post)

    kinds = list(
        ReputationEvent.objects.filter(user=post.author)
        .order_by("id")
        .values_list("kind", "points")
    )
    assert kinds == [("vote_received", 2), ("vote_withdrawn", -2), ("vote_received", 2)]
    assert reputation_of(post.author) == 2


def test_nobody_votes_for_their_own_post(product):
    post = _create(product)
    with pytest.raises(ValidationError):
        services.vote_cast(user=post.author, post=post)


def test_milestones_count_once_in_the_ledger(product):
    post = _create(product)

    first = services.reputation_record(user=post.author, kind="idea_adopted", post=post)
    again = services.reputation_record(user=post.author, kind="idea_adopted", post=post)

    assert (first, again) == (True, False)
    assert reputation_of(post.author) == 50


def test_official_comments_notify_followers_and_others_notify_the_author(product):
    post = _create(product)
    follower = customer()
    services.follow_add(user=follower, post=post)

    services.comment_create(post=post, author=customer(), body="+1")
    official = services.comment_create(post=post, author=agent(), body="Planned for Q3")

    assert official.is_official
    assert Notification.objects.filter(recipient=post.author, kind="post.comment").count() == 1
    assert Notification.objects.filter(recipient=follower, kind="post.official_comment").exists()
    post.refresh_from_db()
    assert post.comment_count == 2


def test_author_removes_and_adds_images_when_editing(product):
    post = _create(product, images=[_image(), _image()])
    first, second = PostImage.objects.filter(post=post).order_by("position")

    services.post_update(
        post=post,
        editor=post.author,
        kind=post.kind,
        title=post.title,
        body=post.body,
        images=[_image(fmt="JPEG", name="new.jpg")],
        remove_image_ids=[first.pk],
    )

    remaining = list(PostImage.objects.filter(post=post).order_by("position"))
    assert [image.pk for image in remaining][0] == second.pk
    assert len(remaining) == 2 and remaining[1].position > second.position
    assert not first.image.storage.exists(first.image.name)
