import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Post
from service_desk import services
from service_desk.models import Category, TicketEvent
from tests.factories.accounts import customer

pytestmark = pytest.mark.django_db


def new_ticket(owner, product, subject="Battery swells after a year"):
    return services.ticket_create(
        customer=owner,
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject=subject,
        description="The back cover bulges.",
    )


def make_post(product, title="Battery swelling on many units", **kwargs):
    author = kwargs.pop("author", None) or customer()
    return Post.objects.create(
        product=product,
        author=author,
        kind=Post.Kind.FEEDBACK,
        title=title,
        body="Several of us see it.",
        body_html="<p>Several of us see it.</p>",
        **kwargs,
    )


def test_agent_links_a_ticket_to_a_post_by_its_link(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    post = make_post(product)
    client.force_login(sam)

    response = client.post(
        ticket.get_desk_url(),
        {"form": "link_post", "post": f"/community/{product.slug}/posts/{post.pk}/"},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.linked_post == post
    assert list(post.linked_tickets.all()) == [ticket]
    assert ticket.events.filter(kind=TicketEvent.Kind.LINKED_POST).count() == 1


def test_similar_posts_are_offered_and_unknown_posts_refused(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    make_post(product, title="Battery swelling on many units")
    make_post(product, title="Deleted battery post", is_deleted=True)
    client.force_login(sam)

    html = client.get(ticket.get_desk_url()).content.decode()
    assert "Battery swelling on many units" in html
    assert "Deleted battery post" not in html

    response = client.post(ticket.get_desk_url(), {"form": "link_post", "post": "999999"})
    assert response.status_code == 400
    assert "There is no such post." in response.content.decode()


def test_unlink(alice, sam, product):
    ticket = new_ticket(alice, product)
    services.ticket_link_post(ticket=ticket, actor=sam, post=make_post(product))

    services.ticket_link_post(ticket=ticket, actor=sam, post=None)

    ticket.refresh_from_db()
    assert ticket.linked_post is None


def test_customers_cannot_link(alice, product):
    ticket = new_ticket(alice, product)

    with pytest.raises(PermissionDenied):
        services.ticket_link_post(ticket=ticket, actor=alice, post=make_post(product))


def test_open_a_feedback_post_from_the_ticket(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    response = client.post(
        ticket.get_desk_url(),
        {
            "form": "feedback_post",
            "title": "Battery swelling reported by customers",
            "body": "Seen on units from **March**.",
        },
    )

    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.kind, post.product, post.author) == (Post.Kind.FEEDBACK, product, sam)
    assert "<strong>March</strong>" in post.body_html
    ticket.refresh_from_db()
    assert ticket.linked_post == post


def test_feedback_post_errors_show_on_the_form(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    response = client.post(
        ticket.get_desk_url(), {"form": "feedback_post", "title": "", "body": ""}
    )

    assert response.status_code == 400
    assert not Post.objects.exists()


def test_the_posts_page_counts_its_linked_tickets_for_moderators(client, alice, bob, sam, product):
    post = make_post(product)
    for owner in (alice, bob):
        services.ticket_link_post(ticket=new_ticket(owner, product), actor=sam, post=post)
    client.force_login(sam)

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<dd data-testid="linked-tickets">2</dd>' in html


def _similar_titles(client, ticket) -> list[str]:
    html = client.get(ticket.get_desk_url()).content.decode()
    return [
        title
        for title in ("Battery swelling on many units", "Screen flickers at night")
        if title in html
    ]


def test_similar_posts_are_searched_once_per_subject(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    make_post(product, title="Battery swelling on many units")
    client.force_login(sam)
    client.get(ticket.get_desk_url())

    with CaptureQueriesContext(connection) as queries:
        html = client.get(ticket.get_desk_url()).content.decode()

    assert "Battery swelling on many units" in html
    assert not [q for q in queries.captured_queries if "ts_rank" in q["sql"]]


def test_similar_posts_follow_a_changed_subject_at_once(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    make_post(product, title="Battery swelling on many units")
    make_post(product, title="Screen flickers at night")
    client.force_login(sam)
    assert _similar_titles(client, ticket) == ["Battery swelling on many units"]

    ticket.subject = "The screen flickers"
    ticket.save(update_fields=["subject"])

    assert _similar_titles(client, ticket) == ["Screen flickers at night"]


def test_similar_posts_hidden_or_deleted_since_disappear_at_once(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    hidden = make_post(product, title="Battery swelling on many units")
    deleted = make_post(product, title="Battery swells when charging")
    client.force_login(sam)
    html = client.get(ticket.get_desk_url()).content.decode()
    assert "Battery swelling on many units" in html
    assert "Battery swells when charging" in html

    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    Post.objects.filter(pk=deleted.pk).update(is_deleted=True)

    html = client.get(ticket.get_desk_url()).content.decode()
    assert "Battery swelling on many units" not in html
    assert "Battery swells when charging" not in html


def test_the_linked_post_is_not_offered_again(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    post = make_post(product, title="Battery swelling on many units")
    client.force_login(sam)
    client.get(ticket.get_desk_url())

    services.ticket_link_post(ticket=ticket, actor=sam, post=post)

    html = client.get(ticket.get_desk_url()).content.decode()
    assert "<h3>Similar posts</h3>" not in html
