import pytest
from django.core.exceptions import PermissionDenied

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
