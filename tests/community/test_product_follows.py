"""Following a product's community: the page's button, the API, and the new posts its followers
hear of."""

import pytest
from django.urls import reverse

from cocreate.notifications.models import Notification, NotificationPreference
from cocreate.outbox.models import OutboxMessage
from community import services
from community.models import Post, ProductFollow
from community.tasks import notify_product_followers
from tests.factories.accounts import UserFactory, customer
from tests.factories.community import PostFactory
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db

TASK = "community.tasks.notify_product_followers"


def _follow_url(product):
    return reverse("community:product_follow", args=[product.slug])


def _api(product):
    return f"/api/v1/products/{product.slug}/follow/"


def _new_post(product, author=None, **kwargs):
    return services.post_create(
        author=author or customer(),
        product=product,
        kind=Post.Kind.SUGGESTION,
        title=kwargs.pop("title", "A dock for the phone"),
        body="It would charge while it plays music.",
        **kwargs,
    )


# --- The page -----------------------------------------------------------------------------------


def test_the_button_follows_and_unfollows(client, product):
    member = customer()
    client.force_login(member)
    page = reverse("community:product", args=[product.slug])
    assert 'data-testid="community-follow"' in client.get(page).content.decode()

    response = client.post(_follow_url(product), {"follow": "1"})

    assert response.status_code == 302 and response.url == page
    assert ProductFollow.objects.filter(user=member, product=product).exists()
    html = client.get(page).content.decode()
    assert "Unfollow community" in html and 'aria-pressed="true"' in html
    assert 'data-testid="follower-count">1 follower<' in html

    client.post(_follow_url(product), {"follow": "0"})
    assert not ProductFollow.objects.exists()


def test_following_twice_keeps_one_follow(client, product):
    client.force_login(customer())

    client.post(_follow_url(product), {"follow": "1"})
    client.post(_follow_url(product), {"follow": "1"})

    assert ProductFollow.objects.count() == 1


def test_visitors_are_sent_to_log_in(client, product):
    html = client.get(reverse("community:product", args=[product.slug])).content.decode()
    assert f"{reverse('account_login')}?next=" in html

    response = client.post(_follow_url(product), {"follow": "1"})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not ProductFollow.objects.exists()


def test_an_unknown_product_is_404(client):
    client.force_login(customer())

    assert client.post("/community/no-such-product/follow/", {"follow": "1"}).status_code == 404


def test_the_form_carries_a_csrf_token(client, product):
    client.force_login(customer())

    html = client.get(reverse("community:product", args=[product.slug])).content.decode()

    form = html.split(f'action="{_follow_url(product)}"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form


def test_a_get_is_refused(client, product):
    client.force_login(customer())

    assert client.get(_follow_url(product)).status_code == 405


# --- The API ------------------------------------------------------------------------------------


def test_api_follows_reads_and_unfollows(client, product):
    member = customer()
    client.force_login(member)

    assert client.get(_api(product)).json() == {"following": False}
    assert client.post(_api(product)).json() == {"following": True}
    assert client.post(_api(product)).json() == {"following": True}
    assert client.get(_api(product)).json() == {"following": True}
    assert ProductFollow.objects.filter(user=member).count() == 1
    assert client.delete(_api(product)).json() == {"following": False}
    assert client.delete(_api(product)).json() == {"following": False}
    assert not ProductFollow.objects.exists()


def test_api_unknown_product_is_a_json_404(client):
    client.force_login(customer())

    response = client.post("/api/v1/products/no-such-product/follow/")

    assert response.status_code == 404
    assert set(response.json()) >= {"detail", "code"}


def test_api_needs_authentication(client, product):
    assert client.post(_api(product)).status_code in (401, 403)
    assert not ProductFollow.objects.exists()


# --- A hidden post cannot be followed -------------------------------------------------------------


def test_a_hidden_post_is_404_to_follow_for_those_who_may_not_see_it(client):
    post = PostFactory(is_hidden=True, hidden_reason=Post.HiddenReason.MODERATOR)
    client.force_login(customer())

    api = client.post(f"/api/v1/posts/{post.pk}/follow/")
    page = client.post(
        reverse("community:post_follow", args=[post.product.slug, post.pk]), {"follow": "1"}
    )

    assert api.status_code == 404 and page.status_code == 404
    assert not post.follows.exists()


def test_its_author_sees_it_but_is_told_it_cannot_be_followed(client):
    post = PostFactory(is_hidden=True, hidden_reason=Post.HiddenReason.MODERATOR)
    client.force_login(post.author)

    response = client.post(f"/api/v1/posts/{post.pk}/follow/")

    assert response.status_code == 400
    assert "cannot be followed" in str(response.json())
    assert not post.follows.exists()


# --- New posts reach the followers --------------------------------------------------------------


def test_a_new_post_is_announced_to_the_followers_after_commit(product):
    follower = customer()
    services.product_follow_add(user=follower, product=product)

    post = _new_post(product)

    (message,) = OutboxMessage.objects.filter(task=TASK)
    assert message.args == [post.pk]


def test_without_followers_nothing_is_enqueued(product):
    author = customer()
    services.product_follow_add(user=author, product=product)  # only the author follows

    _new_post(product, author=author)

    assert not OutboxMessage.objects.filter(task=TASK).exists()


def test_the_followers_hear_of_it_in_their_language_once(product):
    english, chinese = customer(), customer(language="zh-hans")
    author = customer(display_name="Ada")
    for user in (english, chinese, author):
        services.product_follow_add(user=user, product=product)
    post = _new_post(product, author=author, title="A dock for the phone")

    assert notify_product_followers(post.pk) == 2
    notify_product_followers(post.pk)  # a second delivery of the task

    rows = Notification.objects.filter(kind="community.new_post")
    assert sorted(row.recipient_id for row in rows) == sorted([english.pk, chinese.pk])
    mine = rows.get(recipient=english)
    assert mine.title == f"New in {product.name}: A dock for the phone"
    assert mine.body == "Ada wrote a new post." and mine.url == post.get_absolute_url()
    assert rows.get(recipient=chinese).title.startswith(f"{product.name} 有新帖")
    # The group's default: a daily digest, not an e-mail each.
    assert {(row.digest, row.send_email) for row in rows} == {("daily", False)}


def test_a_follower_who_chose_email_gets_one_at_once(product):
    follower = customer()
    services.product_follow_add(user=follower, product=product)
    NotificationPreference.objects.create(
        user=follower, group="community.new_posts", delivery="email"
    )

    notify_product_followers(_new_post(product).pk)

    assert Notification.objects.get(recipient=follower).send_email


def test_a_post_hidden_before_the_task_runs_is_told_to_no_one(product):
    services.product_follow_add(user=customer(), product=product)
    post = _new_post(product)
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason="moderator")

    assert notify_product_followers(post.pk) == 0
    assert not Notification.objects.filter(kind="community.new_post").exists()


def test_inactive_followers_and_other_products_followers_hear_nothing(product):
    services.product_follow_add(user=UserFactory(is_active=False), product=product)
    services.product_follow_add(user=customer(), product=PostFactory().product)

    notify_product_followers(_new_post(product).pk)

    assert not Notification.objects.filter(kind="community.new_post").exists()


def test_followers_are_told_batch_after_batch(product, monkeypatch):
    monkeypatch.setattr("community.services.follows.NEW_POST_BATCH", 2)
    followers = [customer() for _ in range(5)]
    for user in followers:
        services.product_follow_add(user=user, product=product)

    assert notify_product_followers(_new_post(product).pk) == 5


@pytest.mark.django_db(transaction=True)
def test_a_worker_tells_the_followers(celery_worker):
    from tests.factories.products import ProductFactory

    product = ProductFactory()
    follower = customer()
    services.product_follow_add(user=follower, product=product)

    _new_post(product)

    wait_until(
        lambda: Notification.objects.filter(recipient=follower, kind="community.new_post").exists(),
        timeout=60,
        message="the worker to notify the product's follower",
    )


def test_staff_see_the_follows_in_the_admin(client, product):
    from tests.factories.accounts import staff

    services.product_follow_add(user=customer(username="follower"), product=product)
    client.force_login(staff())

    response = client.get("/admin/community/productfollow/")

    assert response.status_code == 200 and "follower" in response.content.decode()
