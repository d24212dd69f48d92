"""Where each person lands after signing in, and a customer's own page (docs/accounts.md,
"Where you land")."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Follow, ProductFollow
from service_desk.models import Ticket
from tests.accounts.signing_in import sign_in, sign_in_with_code, with_totp
from tests.factories.accounts import UserFactory, agent, customer, designer, partner_member, staff
from tests.factories.community import PostFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import file_ticket
from tests.totp import current_code

pytestmark = pytest.mark.django_db


def both(*makers):
    """A person holding every role the makers give (the first one's account)."""

    def make():
        person = makers[0]()
        for maker in makers[1:]:
            person.groups.add(*maker().groups.all())
        person.__dict__.pop("role_names", None)
        return person

    return make


def staff_customer():
    person = customer(is_staff=True)
    return person


# --- Where each person lands ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_user", "lands_on"),
    [
        (customer, "/me/"),
        (agent, "/desk/"),
        (designer, "/design/"),
        (partner_member, "/partners/mine/"),
        (staff, "/work/"),
        # Several roles: the first in the landing order (staff, agent, designer, partner
        # member, then the own page).
        (both(customer, agent), "/desk/"),
        (both(designer, agent), "/desk/"),
        (both(partner_member, designer), "/design/"),
        (both(customer, partner_member), "/partners/mine/"),
        (staff_customer, "/work/"),
        # No role at all (an account an identity provider made without one): their own page.
        (lambda: UserFactory(role=""), "/me/"),
    ],
)
def test_each_person_lands_where_their_work_is(client, make_user, lands_on):
    response = sign_in(client, make_user())

    assert response["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


@pytest.mark.parametrize("make_user", [customer, agent, staff])
def test_a_safe_next_is_still_honoured(client, make_user):
    person = make_user()

    response = client.post(
        reverse("account_login") + "?next=/support/kb/",
        {"login": person.username, "password": "cocreate-demo", "next": "/support/kb/"},
    )

    assert response["Location"] == "/support/kb/"


def test_a_next_to_another_site_is_ignored(client):
    person = agent()

    response = client.post(
        reverse("account_login"),
        {"login": person.username, "password": "cocreate-demo", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/desk/"


def test_the_second_factor_leads_to_the_same_place(client):
    person = agent()
    secret, _codes = with_totp(person)

    response = sign_in_with_code(client, person, current_code(secret))

    assert response["Location"] == "/desk/"


def test_a_new_account_lands_on_its_own_page(client):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "time_zone": "UTC",
            "language": "en",
        },
    )

    assert response.status_code == 302, response.content
    assert response["Location"] == "/me/"


# --- The header leads there ----------------------------------------------------------------------


def own_link(html: str) -> str | None:
    match = re.search(r'<a class="nav-role nav-own" href="([^"]+)"([^>]*)>', html)
    return match and match.group(0)


@pytest.mark.parametrize(
    ("make_user", "url"),
    [(customer, "/me/"), (agent, "/desk/"), (partner_member, "/partners/mine/"), (staff, "/work/")],
)
def test_the_header_leads_each_person_to_their_own_place_marked_there(client, make_user, url):
    client.force_login(make_user())

    elsewhere = own_link(client.get("/products/").content.decode())
    there = own_link(client.get(url).content.decode())

    assert f'href="{url}"' in elsewhere and "aria-current" not in elsewhere
    assert f'href="{url}"' in there and 'aria-current="page"' in there


def test_anonymous_readers_see_no_own_place(client):
    html = client.get("/products/").content.decode()

    assert own_link(html) is None
    assert 'href="/me/"' not in html


# --- The own page --------------------------------------------------------------------------------


def test_anonymous_readers_are_sent_to_sign_in(client):
    for url in ("/me/", "/work/", reverse("community:following")):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("make_user", [customer, agent, designer, partner_member])
def test_only_staff_have_the_choice_of_places(client, make_user):
    client.force_login(make_user())

    assert client.get("/work/").status_code == 404


def test_staff_choose_among_the_places_they_work(client):
    client.force_login(staff())

    html = client.get("/work/").content.decode()

    choice = html[html.index('data-testid="work-places"') :]
    hrefs = re.findall(r'<h2><a href="([^"]+)"', choice)
    assert hrefs == ["/desk/", "/design/", "/community/moderation/", "/admin/"]


def section(html: str, key: str) -> str:
    start = html.index(f'data-testid="own-{key}"')
    return html[start : html.index("</section>", start)]


def count_of(html: str, key: str) -> int:
    return int(re.search(rf'data-testid="own-{key}-count">(\d+)<', html).group(1))


def test_a_new_customer_sees_friendly_empty_sections_with_the_action_to_start(client):
    client.force_login(customer())

    html = client.get("/me/").content.decode()

    for key, action in [
        ("units", "/products/mine/#register"),
        ("tickets", "/support/tickets/new/"),
        ("posts", "/community/"),
        ("follows", "/community/"),
        ("notifications", "/notifications/preferences/"),
    ]:
        part = section(html, key)
        assert count_of(html, key) == 0
        assert f'class="button button-secondary" href="{action}"' in part, key
        assert "own-list" not in part


def test_the_own_page_shows_units_tickets_posts_follows_and_notifications(client):
    me = customer()
    today = timezone.localdate()
    aurora = ProductFactory(name="Aurora 3")
    RegistrationFactory(customer=me, product=aurora, serial_number="AUR-1")
    RegistrationFactory(
        customer=me,
        product=ProductFactory(name="Old Lamp"),
        serial_number="OLD-1",
        purchased_on=today - timedelta(days=2000),
    )
    done = file_ticket(me, aurora, subject="Solved long ago")
    Ticket.objects.filter(pk=done.pk).update(status=Ticket.Status.CLOSED)
    file_ticket(me, aurora, subject="Battery drains overnight")
    post = PostFactory(author=me, product=aurora, title="Cap charging at 80%")
    followed = PostFactory(product=aurora, title="A dark mode for the app")
    Follow.objects.create(user=me, post=followed)
    ProductFollow.objects.create(user=me, product=aurora)
    NotificationFactory(recipient=me, title="Your idea was planned")
    someone_else = customer()
    file_ticket(someone_else, aurora, subject="Not mine")
    NotificationFactory(recipient=someone_else, title="Not for me")
    client.force_login(me)

    html = client.get("/me/").content.decode()

    units = section(html, "units")
    assert count_of(html, "units") == 2
    assert "AUR-1" in units and "Under warranty until" in units
    assert "OLD-1" in units and "Warranty expired on" in units
    assert 'href="/products/mine/"' in units
    tickets = section(html, "tickets")
    assert count_of(html, "tickets") == 2
    # open first, with their status
    assert tickets.index("Battery drains overnight") < tickets.index("Solved long ago")
    assert "Not mine" not in tickets
    assert tickets.count('data-testid="ticket-status"') == 2
    posts = section(html, "posts")
    assert count_of(html, "posts") == 1 and post.title in posts
    assert f'href="/community/people/{me.username}/"' in posts
    follows = section(html, "follows")
    # the community and the post followed
    assert count_of(html, "follows") == 2
    assert "Aurora 3" in follows and followed.title in follows
    assert f'href="{reverse("community:following")}"' in follows
    notifications = section(html, "notifications")
    assert count_of(html, "notifications") == 1
    assert "Your idea was planned" in notifications and "Not for me" not in notifications


def test_the_following_page_lists_the_communities_and_posts(client):
    me = customer()
    aurora = ProductFactory(name="Aurora 3")
    ProductFollow.objects.create(user=me, product=aurora)
    followed = PostFactory(product=aurora, title="A dark mode for the app")
    Follow.objects.create(user=me, post=followed)
    PostFactory(product=aurora, title="Not followed")
    client.force_login(me)

    html = client.get(reverse("community:following")).content.decode()

    assert "Aurora 3" in html and followed.title in html
    assert "Not followed" not in html


# --- Bounded queries -----------------------------------------------------------------------------


def _fill(me, n):
    product = ProductFactory()
    for i in range(n):
        RegistrationFactory(customer=me, product=ProductFactory(), serial_number=f"SN-{i}")
        file_ticket(me, product, subject=f"Ticket {i}")
        PostFactory(author=me, product=product)
        Follow.objects.create(user=me, post=PostFactory(product=product))
        ProductFollow.objects.create(user=me, product=ProductFactory())
        NotificationFactory(recipient=me)


@pytest.mark.parametrize("n", [1, 10])
def test_the_own_page_runs_the_same_queries_whatever_one_has(client, django_assert_num_queries, n):
    me = customer()
    _fill(me, n)
    client.force_login(me)
    # user, roles, unread count (header; the session comes from the cache); units: count, rows;
    # tickets: count, rows; posts: count, rows; follows: communities, posts, their two counts;
    # notifications: count, rows
    with django_assert_num_queries(3 + 12):
        response = client.get("/me/")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 10])
def test_the_following_page_runs_the_same_queries_whatever_one_follows(
    client, django_assert_num_queries, n
):
    me = customer()
    _fill(me, n)
    client.force_login(me)
    # user, roles, unread count (header; the session comes from the cache); communities, post
    # count, posts
    with django_assert_num_queries(3 + 3):
        response = client.get(reverse("community:following"))
    assert response.status_code == 200
