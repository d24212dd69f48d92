"""Flags, the threshold that hides a post, moderators' hide / restore / lock, and merges."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community import services
from community.models import Flag, Follow, Post, ReputationEvent, StatusChange, Vote
from community.selectors import reputation_of
from tests.factories.accounts import agent, customer, designer, staff
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db


def test_reaching_the_flag_threshold_hides_the_post_until_reviewed(product, settings):
    settings.COMMUNITY_FLAG_THRESHOLD = 2
    post = PostFactory(product=product)

    services.flag_create(reporter=customer(), post=post, reason=Flag.Reason.SPAM)
    post.refresh_from_db()
    assert not post.is_hidden and post.flag_count == 1

    services.flag_create(reporter=customer(), post=post, reason=Flag.Reason.ABUSE)
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == Post.HiddenReason.FLAGS


def test_restore_dismisses_open_flags_and_shows_the_post(product, settings):
    settings.COMMUNITY_FLAG_THRESHOLD = 1
    post = PostFactory(product=product)
    services.flag_create(reporter=customer(), post=post, reason=Flag.Reason.SPAM)
    moderator = agent()

    services.post_restore(post=post, moderator=moderator)

    post.refresh_from_db()
    assert not post.is_hidden and post.flag_count == 0
    flag = Flag.objects.get()
    assert flag.resolution == Flag.Resolution.DISMISSED and flag.resolved_by == moderator


def test_hide_upholds_flags(product):
    post = PostFactory(product=product)
    services.flag_create(reporter=customer(), post=post, reason=Flag.Reason.ABUSE)

    services.post_hide(post=post, moderator=designer())

    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == Post.HiddenReason.MODERATOR
    assert Flag.objects.get().resolution == Flag.Resolution.UPHELD


def test_customers_cannot_moderate(product):
    post = PostFactory(product=product)
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, moderator=customer())


def test_one_cannot_flag_ones_own_post(product):
    post = PostFactory(product=product)
    with pytest.raises(ValidationError):
        services.flag_create(reporter=post.author, post=post, reason=Flag.Reason.SPAM)


def test_locked_post_takes_no_votes_comments_or_edits(product):
    post = PostFactory(product=product)
    services.post_lock(post=post, moderator=agent(), locked=True)
    post.refresh_from_db()

    with pytest.raises(ValidationError):
        services.vote_cast(user=customer(), post=post)
    with pytest.raises(ValidationError):
        services.comment_create(post=post, author=customer(), body="hello")
    with pytest.raises(ValidationError):
        services.post_update(post=post, editor=post.author, kind=post.kind, title="New", body="b")


def test_merge_moves_votes_and_followers_without_counting_anyone_twice(product):
    target = PostFactory(product=product)
    source = PostFactory(product=product)
    both, only_source, only_target = customer(), customer(), customer()
    for voter in (both, only_source):
        services.vote_cast(user=voter, post=source)
    for voter in (both, only_target):
        services.vote_cast(user=voter, post=target)
    # The target's author voted for the duplicate: that vote cannot move onto their own post.
    services.vote_cast(user=target.author, post=source)

    services.post_merge(source=source, target=target, moderator=agent(), message="Same idea")

    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == Post.Status.DUPLICATE and source.duplicate_of == target
    assert source.is_locked and source.vote_count == 0
    assert target.vote_count == 3 == Vote.objects.filter(post=target).count()
    assert set(Vote.objects.filter(post=target).values_list("user", flat=True)) == {
        both.pk,
        only_source.pk,
        only_target.pk,
    }
    assert not Vote.objects.filter(post=source).exists()
    followers = Follow.objects.filter(post=target).values_list("user", flat=True)
    assert len(followers) == len(set(followers))
    assert {both.pk, only_source.pk, only_target.pk} <= set(followers)
    assert StatusChange.objects.get(post=source).new_status == Post.Status.DUPLICATE


def test_merge_moves_reputation_with_the_votes(product):
    target = PostFactory(product=product)
    source = PostFactory(product=product)
    for _ in range(3):
        services.vote_cast(user=customer(), post=source)

    services.post_merge(source=source, target=target, moderator=agent())

    assert reputation_of(source.author) == 0
    assert reputation_of(target.author) == 6
    assert ReputationEvent.objects.filter(kind="votes_merged_in", user=target.author).exists()


def test_merge_refuses_other_products_hidden_targets_and_itself(product):
    post = PostFactory(product=product)
    elsewhere = PostFactory()
    hidden = PostFactory(product=product, is_hidden=True, hidden_reason="moderator")
    with pytest.raises(ValidationError):
        services.post_merge(source=post, target=hidden, moderator=agent())
    with pytest.raises(ValidationError):
        services.post_merge(source=post, target=elsewhere, moderator=agent())
    with pytest.raises(ValidationError):
        services.post_merge(source=post, target=post, moderator=agent())


def test_moderation_queue_lists_flagged_posts_with_reasons(client, product):
    post = PostFactory(product=product, title="Buy cheap watches")
    services.flag_create(reporter=customer(), post=post, reason=Flag.Reason.SPAM, message="ad")
    client.force_login(agent())

    html = client.get(reverse("community:moderation")).content.decode()

    assert "Buy cheap watches" in html
    assert "Spam or advertising" in html and "ad" in html


def test_moderator_actions_through_the_pages(client, product):
    post = PostFactory(product=product)
    client.force_login(agent())
    url = reverse("community:post_moderate", args=[product.slug, post.pk])

    client.post(url, {"action": "lock"})
    post.refresh_from_db()
    assert post.is_locked
    client.post(url, {"action": "hide"})
    post.refresh_from_db()
    assert post.is_hidden


def test_merge_through_the_page(client, product):
    target = PostFactory(product=product)
    source = PostFactory(product=product)
    client.force_login(agent())

    response = client.post(
        reverse("community:post_merge", args=[product.slug, source.pk]), {"target": target.pk}
    )

    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
    source.refresh_from_db()
    assert source.duplicate_of == target


def test_customers_get_404_on_moderation_actions(client, product):
    post = PostFactory(product=product)
    client.force_login(customer())
    url = reverse("community:post_moderate", args=[product.slug, post.pk])
    assert client.post(url, {"action": "hide"}).status_code == 404
    post.refresh_from_db()
    assert not post.is_hidden


# Posts in each state a moderator meets, and the queue tab listing it (a post that shows and
# has no flag is in none).
POST_STATES = {
    "shown": ({}, None),
    "flagged": ({"flag_count": 1}, "flagged"),
    "hidden by flags": (
        {"is_hidden": True, "hidden_reason": Post.HiddenReason.FLAGS, "flag_count": 3},
        "flagged",
    ),
    "hidden by a moderator": (
        {"is_hidden": True, "hidden_reason": Post.HiddenReason.MODERATOR},
        "hidden",
    ),
    "locked": ({"is_locked": True}, "locked"),
}


@pytest.mark.parametrize("state", POST_STATES)
@pytest.mark.parametrize("make_user", [customer, agent, designer, staff])
def test_hide_is_offered_exactly_when_post_hide_allows_it(client, product, state, make_user):
    """The post page and the moderation queue offer "Hide" by the rule post_hide enforces
    (community.permissions.may_hide_post): offered iff allowed, on every page."""
    fields, tab = POST_STATES[state]
    post = PostFactory(product=product, **fields)
    user = make_user()
    client.force_login(user)

    pages = [client.get(post.get_absolute_url()).content.decode()]
    if tab is not None:
        pages.append(client.get(reverse("community:moderation"), {"view": tab}).content.decode())
    offered = {'name="action" value="hide"' in html for html in pages}
    try:
        services.post_hide(post=post, moderator=user)
        allowed = True
    except (PermissionDenied, ValidationError):
        allowed = False

    assert offered == {allowed}


def test_hide_sent_for_a_post_a_moderator_already_hid_is_refused_with_a_message(client, product):
    post = PostFactory(product=product, is_hidden=True, hidden_reason=Post.HiddenReason.MODERATOR)
    client.force_login(agent())

    response = client.post(
        reverse("community:post_moderate", args=[product.slug, post.pk]),
        {"action": "hide"},
        follow=True,
    )

    assert response.status_code == 200
    assert "A moderator has already hidden this post." in response.content.decode()
