"""@mentions in comments: the link in the rendered HTML, the notification (to those who may see
the post, once), the comment box's @ list (API) and editing a comment."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from cocreate.core.errors import StateConflict
from cocreate.core.markup import mentions_in, render_markdown
from cocreate.notifications.models import Notification, NotificationPreference
from community import services
from community.models import Comment, Post
from community.permissions import may_see_post
from community.services.comments import _notify_mentions
from tests.factories.accounts import UserFactory, agent, customer, designer, staff
from tests.factories.community import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def _mentions(user=None):
    rows = Notification.objects.filter(kind="community.mention")
    return list(rows.filter(recipient=user) if user else rows)


def _comment(post, author, body):
    return services.comment_create(post=post, author=author, body=body)


# --- Reading mentions in Markdown ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Thanks @bob!", ["bob"]),
        ("@bob and @alice.smith. Then @bob again", ["bob", "alice.smith"]),
        ("Mail bob@example.com", []),
        ("`@code` and\n\n    @indented", []),
        ("[@linked](https://example.com) and ![@alt](/x.png)", []),
        ("感谢@李明 的建议", ["李明"]),
        ("**@bold** _@em_", ["bold", "em"]),
        ("@ alone, @@double, path/@x", []),
        ("Ends the sentence: @bob.", ["bob"]),
    ],
)
def test_mentions_in_markdown(text, names):
    assert mentions_in(text) == names


def test_a_known_name_links_to_their_page_and_an_unknown_stays_text():
    html = render_markdown("Hi @bob and @ghost", mentions={"bob": "/community/people/bob/"})

    assert '<a href="/community/people/bob/" class="mention"' in html
    assert "@ghost" in html and html.count("<a ") == 1


def test_a_mention_inside_a_link_is_not_a_second_link():
    html = render_markdown("[see @bob](https://example.com)", mentions={"bob": "/p/bob/"})

    assert html.count("<a ") == 1 and "/p/bob/" not in html


def test_users_cannot_write_the_mention_class_or_html():
    html = render_markdown('<a class="mention" href="javascript:x">x</a>', mentions={})

    assert "<a " not in html


def test_render_without_links_asks_the_community_for_existing_people():
    UserFactory(username="bob")
    UserFactory(username="gone", is_active=False)

    html = render_markdown("@bob @gone @nobody")

    assert f'href="{reverse("community:profile", args=["bob"])}"' in html
    assert html.count("<a ") == 1


# --- Notifying ----------------------------------------------------------------------------------


def test_a_mention_links_and_notifies_once_by_email():
    bob = customer(username="bob")
    post = PostFactory()

    comment = _comment(post, customer(display_name="Ada"), "@bob what do you think? @bob?")

    assert (
        f'href="{reverse("community:profile", args=["bob"])}" class="mention"' in comment.body_html
    )
    (mention,) = _mentions(bob)
    assert mention.title == f"Ada mentioned you on “{post.title}”"
    assert mention.url == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert "what do you think?" in mention.body
    assert mention.send_email  # the group's default: e-mail at once


def test_the_mentioned_hear_as_they_chose():
    bob = customer(username="bob")
    NotificationPreference.objects.create(user=bob, group="community.mentions", delivery="daily")

    _comment(PostFactory(), customer(), "@bob")

    (mention,) = _mentions(bob)
    assert mention.digest == "daily" and not mention.send_email


@pytest.mark.parametrize(
    "body", ["@nobody", "@gone", "@me"], ids=["unknown", "inactive", "oneself"]
)
def test_no_notification_for_who_does_not_exist_is_inactive_or_wrote_it(body):
    UserFactory(username="gone", is_active=False)
    me = customer(username="me")

    comment = _comment(PostFactory(), me, body)

    assert _mentions() == []
    if body != "@me":
        assert "<a " not in comment.body_html


def test_the_posts_author_hears_of_the_mention_not_twice():
    post = PostFactory(author=customer(username="writer"))

    _comment(post, customer(), "@writer good point")

    rows = Notification.objects.filter(recipient=post.author)
    assert [row.kind for row in rows] == ["community.mention"]


def test_a_follower_mentioned_in_an_official_answer_hears_once():
    post = PostFactory()
    follower, other = customer(username="follower"), customer()
    services.follow_add(user=follower, post=post)
    services.follow_add(user=other, post=post)

    _comment(post, agent(), "@follower this is fixed in 2.1")

    assert [row.kind for row in Notification.objects.filter(recipient=follower)] == [
        "community.mention"
    ]
    assert [row.kind for row in Notification.objects.filter(recipient=other)] == [
        "post.official_comment"
    ]


def test_a_comment_notifies_at_most_ten_people():
    names = [f"person{number}" for number in range(12)]
    for name in names:
        customer(username=name)

    _comment(PostFactory(), customer(), " ".join(f"@{name}" for name in names))

    assert len(_mentions()) == services.MENTIONS_NOTIFIED == 10
    assert not Notification.objects.filter(recipient__username="person11").exists()


def test_who_may_see_a_hidden_post():
    post = PostFactory(is_hidden=True, hidden_reason=Post.HiddenReason.MODERATOR)

    assert may_see_post(post.author, post)
    assert may_see_post(agent(), post) and may_see_post(designer(), post)
    assert may_see_post(staff(), post)
    assert not may_see_post(customer(), post)
    assert not may_see_post(UserFactory(is_active=False, is_staff=True), post)
    Post.objects.filter(pk=post.pk).update(is_deleted=True)
    post.refresh_from_db()
    assert not may_see_post(post.author, post)


def test_a_mention_in_a_hidden_post_tells_only_who_may_see_it():
    # Comments are refused on a hidden post; a comment written before the post was hidden is
    # edited by nobody then either. The rule is the notifier's own, checked here directly.
    post = PostFactory(is_hidden=True, hidden_reason=Post.HiddenReason.MODERATOR)
    outsider, moderator = customer(username="outsider"), agent(username="mod")
    comment = CommentFactory(post=post, body="@outsider @mod")

    told = _notify_mentions(post, comment, [outsider, moderator])

    assert told == {moderator.pk}
    assert [row.recipient for row in _mentions()] == [moderator]
    assert not Notification.objects.filter(recipient=outsider).exists()


# --- Editing a comment --------------------------------------------------------------------------


def test_an_edit_notifies_only_the_newly_mentioned():
    bob, carol = customer(username="bob"), customer(username="carol")
    author = customer()
    post = PostFactory()
    comment = _comment(post, author, "@bob look")

    comment = services.comment_update(comment=comment, editor=author, body="@bob and @carol look")
    services.comment_update(comment=comment, editor=author, body="@bob @carol look again")

    assert len(_mentions(bob)) == 1 and len(_mentions(carol)) == 1
    comment.refresh_from_db()
    assert comment.edited_at is not None and "carol" in comment.body_html
    # The post's author was told of the comment once, not of its edits.
    assert Notification.objects.filter(recipient=post.author, kind="post.comment").count() == 1


def test_only_its_author_edits_a_comment():
    comment = _comment(PostFactory(), customer(), "first")

    with pytest.raises(PermissionDenied):
        services.comment_update(comment=comment, editor=customer(), body="mine now")


def test_a_locked_post_or_a_hidden_comment_is_not_edited():
    author = customer()
    comment = _comment(PostFactory(), author, "first")
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True)
    with pytest.raises(StateConflict):
        services.comment_update(comment=comment, editor=author, body="again")

    other = _comment(PostFactory(), author, "first")
    Post.objects.filter(pk=other.post_id).update(is_locked=True)
    with pytest.raises(StateConflict):
        services.comment_update(comment=other, editor=author, body="again")


def test_rerendering_keeps_the_mention_links():
    customer(username="bob")
    comment = _comment(PostFactory(), customer(), "@bob")

    call_command("rerender_markdown", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Comment.objects.get(pk=comment.pk).body_html == comment.body_html


# --- The pages ----------------------------------------------------------------------------------


def test_the_comment_box_offers_the_at_list(client):
    post = PostFactory()
    client.force_login(customer())

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'data-mention-url="/api/v1/posts/{post.pk}/mentionable/"' in html
    assert "js/mentions.js" in html


def test_the_author_edits_their_comment_on_the_page(client):
    author = customer()
    customer(username="bob")
    comment = _comment(PostFactory(), author, "first")
    client.force_login(author)
    url = reverse(
        "community:comment_edit", args=[comment.post.product.slug, comment.post_id, comment.pk]
    )
    assert 'name="body"' in client.get(comment.post.get_absolute_url()).content.decode()

    response = client.post(url, {"body": "second, @bob"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "second, @bob" and len(_mentions()) == 1


def test_someone_elses_comment_is_404_to_edit(client):
    comment = _comment(PostFactory(), customer(), "first")
    client.force_login(customer())
    url = reverse(
        "community:comment_edit", args=[comment.post.product.slug, comment.post_id, comment.pk]
    )

    assert client.post(url, {"body": "mine"}).status_code == 404
    assert client.get(url).status_code in (404, 405)
    comment.refresh_from_db()
    assert comment.body == "first"


def test_an_empty_edit_is_refused_without_a_500(client):
    author = customer()
    comment = _comment(PostFactory(), author, "first")
    client.force_login(author)
    url = reverse(
        "community:comment_edit", args=[comment.post.product.slug, comment.post_id, comment.pk]
    )

    assert client.post(url, {"body": "   "}).status_code == 302
    assert client.post(url, {}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "first"


# --- The API: the @ list ------------------------------------------------------------------------


def _mentionable(client, post, q):
    return client.get(f"/api/v1/posts/{post.pk}/mentionable/", {"q": q})


def test_the_at_list_offers_matching_people_thread_first(client):
    post = PostFactory(author=customer(username="anna_writer"))
    customer(username="anna_else", display_name="Anna Else")
    commenter = customer(username="annabel")
    CommentFactory(post=post, author=commenter)
    customer(username="anna_gone", is_active=False)
    me = customer(username="anna_me")
    client.force_login(me)

    body = _mentionable(client, post, "ann").json()

    # The thread (the author, a commenter) first, then the others; by username within each.
    assert [person["username"] for person in body] == ["anna_writer", "annabel", "anna_else"]
    assert body[2] == {
        "username": "anna_else",
        "display_name": "Anna Else",
        "url": reverse("community:profile", args=["anna_else"]),
    }


def test_the_at_list_finds_display_names_and_stops_at_eight(client):
    for number in range(10):
        customer(username=f"zz{number}", display_name=f"Lin Wei {number}")
    client.force_login(customer())

    body = _mentionable(client, PostFactory(), "wei").json()

    assert len(body) == 8


@pytest.mark.parametrize(
    "query", [{}, {"q": ""}, {"q": "a"}, {"q": " a  "}, {"q": "   "}, {"q": "x" * 151}]
)
def test_the_at_list_refuses_a_bad_query_with_a_400(client, query):
    client.force_login(customer())

    response = client.get(f"/api/v1/posts/{PostFactory().pk}/mentionable/", query)

    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_the_at_list_of_a_hidden_post_is_404_to_who_may_not_see_it(client):
    post = PostFactory(is_hidden=True, hidden_reason=Post.HiddenReason.MODERATOR)
    client.force_login(customer())

    assert _mentionable(client, post, "us").status_code == 404


def test_the_at_list_of_a_hidden_post_offers_only_who_may_see_it(client):
    post = PostFactory(
        author=customer(username="sam_author"),
        is_hidden=True,
        hidden_reason=Post.HiddenReason.MODERATOR,
    )
    customer(username="sam_customer")
    agent(username="sam_agent")
    designer(username="sam_designer")
    staff(username="sam_staff")
    client.force_login(agent(username="moderator"))

    names = [person["username"] for person in _mentionable(client, post, "sam").json()]

    assert names == ["sam_author", "sam_agent", "sam_designer", "sam_staff"]


def test_the_at_list_needs_a_login(client):
    assert _mentionable(client, PostFactory(), "us").status_code in (401, 403)


def test_the_at_list_is_rate_limited(client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "community_mention_search": "3/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client.force_login(customer())
    post = PostFactory()

    statuses = [_mentionable(client, post, "us").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_at_list_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    post = PostFactory()
    client.force_login(customer())
    for number in range(3):
        CommentFactory(post=post, author=customer(username=f"qq{number}"))
    # user, the post (the viewer's roles only were it hidden), the people; the session comes
    # from the cache
    with django_assert_num_queries(3):
        _mentionable(client, post, "qq")
    for number in range(3, 12):
        CommentFactory(post=post, author=customer(username=f"qq{number}"))
    with django_assert_num_queries(3):
        _mentionable(client, post, "qq")


# --- The API: editing a comment -----------------------------------------------------------------


def _patch(client, comment, body):
    return client.patch(
        f"/api/v1/posts/{comment.post_id}/comments/{comment.pk}/",
        body,
        content_type="application/json",
    )


def test_api_edits_the_callers_comment(client):
    author = customer()
    customer(username="bob")
    comment = _comment(PostFactory(), author, "first")
    client.force_login(author)

    response = _patch(client, comment, {"body": "second @bob"})

    assert response.status_code == 200
    assert response.json()["edited_at"] and "mention" in response.json()["body_html"]
    assert len(_mentions()) == 1


@pytest.mark.parametrize(
    ("body", "status"), [({"body": ""}, 400), ({}, 400), ({"body": "x" * 10001}, 400)]
)
def test_api_refuses_a_bad_edit(client, body, status):
    author = customer()
    comment = _comment(PostFactory(), author, "first")
    client.force_login(author)

    assert _patch(client, comment, body).status_code == status


def test_api_someone_elses_comment_is_403_and_an_unknown_one_404(client):
    comment = _comment(PostFactory(), customer(), "first")
    client.force_login(customer())

    assert _patch(client, comment, {"body": "mine"}).status_code == 403
    response = client.patch(
        f"/api/v1/posts/{comment.post_id}/comments/999999/",
        {"body": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
