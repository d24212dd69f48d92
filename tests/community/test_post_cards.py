"""Post cards are rendered once for every reader and cached (community/cards.py): a warm cache
renders no card again, yet every reader gets exactly the cards they would get without it (their
own vote box, CSRF token, language and time zone), and any change a card shows shows at once."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Post, ReputationEvent
from community.services.reputation import reputation_record
from designers.services import post_status_change
from tests.factories.accounts import agent, customer, designer, staff
from tests.redis_faults import refusing_redis_url

pytestmark = pytest.mark.django_db

CARD = "community/_post_item.html"
CARD_HTML = re.compile(r'<article class="card post-item".*?</article>', re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
PAGE_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
POSTED_AT = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # already 2 March in Shanghai


@pytest.fixture(autouse=True)
def _card_cache_on(settings):
    settings.SHARED_HTML_CACHE_SECONDS = 600


@pytest.fixture
def author():
    return customer(username="ada")


@pytest.fixture
def posts(product, author):
    """Three posts of two days ago: their relative date holds for the whole test."""
    made = [
        services.post_create(
            author=author,
            product=product,
            kind=Post.Kind.SUGGESTION,
            title=f"Longer battery, idea {i}",
            body="Please.",
            tags=["battery", f"idea-{i}"],
        )
        for i in range(3)
    ]
    Post.objects.filter(pk__in=[post.pk for post in made]).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    return made


@pytest.fixture
def feed(product):
    return reverse("community:product", args=[product.slug])


def reader(user, language="", time_zone="") -> Client:
    """A client signed in as `user`, who reads in `language` and `time_zone` (their settings)."""
    set_preferences(user, language=language, time_zone=time_zone)
    client = Client()
    client.force_login(user)
    return client


def set_preferences(user, **preferences) -> None:
    for name, value in preferences.items():
        setattr(user, name, value)
    user.save(update_fields=list(preferences))


def cards(response) -> list[str]:
    """The response's cards, each reader's CSRF token written as TOKEN."""
    assert response.status_code == 200
    return [TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', card) for card in _raw(response)]


def _raw(response) -> list[str]:
    return CARD_HTML.findall(response.content.decode())


def page_of(client, url) -> str:
    """The whole page `client` gets at `url`, its CSRF tokens written as TOKEN."""
    response = client.get(url)
    assert response.status_code == 200
    return PAGE_TOKEN.sub(r"\1TOKEN", response.content.decode())


def rendered_cards(response) -> int:
    return sum(template.name == CARD for template in response.templates)


def uncached(settings, client, url) -> list[str]:
    """The cards `client` gets at `url` with the card cache off."""
    settings.SHARED_HTML_CACHE_SECONDS = 0
    try:
        return cards(client.get(url))
    finally:
        settings.SHARED_HTML_CACHE_SECONDS = 600


def assert_as_uncached(settings, client, url) -> list[str]:
    got = cards(client.get(url))
    assert got == uncached(settings, client, url)
    return got


def test_a_warm_cache_renders_no_card_again(posts, feed):
    client = reader(customer())
    first = client.get(feed)
    again = client.get(feed)

    assert rendered_cards(first) == len(posts)
    assert rendered_cards(again) == 0
    assert cards(again) == cards(first)


def test_another_reader_of_the_same_cards_renders_none(posts, feed):
    reader(customer()).get(feed)

    assert rendered_cards(reader(customer()).get(feed)) == 0


def test_cards_from_the_cache_are_the_cards_rendered_without_it(settings, product, posts, author):
    voter = customer()
    services.vote_cast(user=voter, post=posts[0])
    services.post_lock(post=posts[1], moderator=agent(), locked=True)
    line = reverse("community:line", args=[product.line.slug])
    profile = reverse("community:profile", args=[author.username])
    client = reader(voter)
    for url in (reverse("community:product", args=[product.slug]), line, profile):
        cold = cards(client.get(url))
        assert cold == uncached(settings, client, url)
        assert cards(client.get(url)) == cold


def test_each_reader_gets_their_own_token_vote_box_and_next(settings, posts, feed, author):
    voter, other = customer(), customer()
    services.vote_cast(user=voter, post=posts[0])
    clients = {
        "voter": reader(voter),
        "other": reader(other),
        "author": reader(author),
    }
    for client in clients.values():  # every card of every kind in the cache
        client.get(feed)

    voter_page = clients["voter"].get(feed, {"sort": "new"})
    other_page = clients["other"].get(feed, {"sort": "top"})
    author_page = clients["author"].get(feed)

    assert rendered_cards(voter_page) == rendered_cards(other_page) == 0
    assert rendered_cards(author_page) == 0
    voted = f'data-testid="vote-{posts[0].pk}"'
    assert 'aria-pressed="true"' in next(card for card in _raw(voter_page) if voted in card)
    other_card = next(card for card in _raw(other_page) if voted in card)
    assert 'aria-pressed="false"' in other_card and "including yours" not in other_card
    assert all("vote-own" in card and "<form" not in card for card in _raw(author_page))
    assert all("vote-own" not in card for card in _raw(other_page))
    assert f'name="next" value="{feed}?sort=top"' in _raw(other_page)[0]
    assert f'name="next" value="{feed}?sort=new"' in _raw(voter_page)[0]
    for name in ("voter", "other"):
        page = clients[name].get(feed)
        secret = clients[name].cookies[django_settings.CSRF_COOKIE_NAME].value
        tokens = [TOKEN.search(card).group(1) for card in _raw(page)]
        assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens)
        assert "post-card:" not in page.content.decode()
        assert cards(page) == uncached(settings, clients[name], feed)


def test_readers_of_other_roles_and_languages_get_only_their_own_cards(settings, product, posts):
    services.vote_cast(user=(voter := customer()), post=posts[2])
    post_page = posts[2].get_absolute_url()
    readers = [
        reader(voter),
        reader(agent(), language="zh-hans"),
        reader(staff()),
        reader(designer(), language="zh-hans", time_zone="Asia/Shanghai"),
        reader(customer(), language="zh-hans"),
    ]
    feed = reverse("community:product", args=[product.slug])
    for url in (feed, post_page):
        settings.SHARED_HTML_CACHE_SECONDS = 0
        alone = [page_of(client, url) for client in readers]
        settings.SHARED_HTML_CACHE_SECONDS = 600
        for client in readers + readers:  # the second round with a cache warmed by all
            assert page_of(client, url) == alone[readers.index(client)]
    chinese = cards(readers[1].get(feed))
    english = cards(readers[0].get(feed))
    assert all("条评论" in card or "评论" in card for card in chinese)
    assert not any("评论" in card for card in english)
    assert "Moderation" not in readers[0].get(post_page).content.decode()
    assert "moderation-panel" in readers[2].get(post_page).content.decode()


def test_what_the_author_and_others_do_shows_at_once(settings, posts, feed, author):
    fan = customer()
    author_client, fan_client = reader(author), reader(fan)
    for client in (author_client, fan_client):
        client.get(feed)

    services.vote_cast(user=fan, post=posts[0])
    services.comment_create(post=posts[1], author=author, body="Also the charger.")
    services.post_update(
        post=posts[2],
        editor=author,
        kind=Post.Kind.SUGGESTION,
        title="Twice the battery",
        body="Please.",
        tags=["power"],
    )
    new = services.post_create(
        author=author,
        product=posts[0].product,
        kind=Post.Kind.QUESTION,
        title="Dark mode?",
        body="When?",
    )

    for client in (author_client, fan_client):
        html = "".join(assert_as_uncached(settings, client, feed))
        assert "Twice the battery" in html and "#power" in html and "#idea-2" not in html
        assert "1 comment<" in html and "Dark mode?" in html
    fan_card = next(c for c in _raw(fan_client.get(feed)) if f"vote-{posts[0].pk}" in c)
    assert (
        'aria-pressed="true"' in fan_card
        and '<span class="vote-count" data-testid="vote-count">1<' in fan_card
    )
    assert f"vote-{new.pk}" in "".join(_raw(author_client.get(feed)))


def test_hidden_and_deleted_posts_disappear_at_once(posts, feed, author):
    client = reader(customer())
    client.get(feed)

    services.post_hide(post=posts[0], moderator=agent())
    services.post_delete(post=posts[1], actor=author)

    html = "".join(_raw(client.get(feed)))
    assert posts[0].title not in html and posts[1].title not in html
    assert posts[2].title in html


def test_status_lock_and_the_authors_reputation_show_at_once(settings, posts, feed, author):
    client = reader(customer())
    client.get(feed)

    post_status_change(
        post=posts[0], status=Post.Status.PLANNED, message="On the list.", author=designer()
    )
    services.post_lock(post=posts[1], moderator=agent(), locked=True)
    reputation_record(user=author, kind=ReputationEvent.Kind.IDEA_ADOPTED, post=posts[2])

    html = "".join(assert_as_uncached(settings, client, feed))
    assert "Planned" in html and "Locked" in html


def test_a_change_of_language_or_time_zone_shows_at_once(settings, posts, feed):
    Post.objects.filter(pk=posts[0].pk).update(created_at=POSTED_AT)
    client = reader(user := customer(), time_zone="UTC")
    assert "Mar 1, 2026" in "".join(cards(client.get(feed)))

    set_preferences(user, time_zone="Asia/Shanghai")
    assert "Mar 2, 2026" in "".join(assert_as_uncached(settings, client, feed))

    set_preferences(user, language="zh-hans")
    assert "2026年3月2日" in "".join(assert_as_uncached(settings, client, feed))


def test_with_the_cache_down_cards_are_rendered(settings, posts, feed):
    client = reader(customer())
    expected = uncached(settings, client, feed)
    with refusing_redis_url(settings.CACHES["default"]["LOCATION"]) as url:
        settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": url}}
        response = client.get(feed)

    assert rendered_cards(response) == len(posts)
    assert cards(response) == expected


def test_the_cache_holds_no_reader_state(posts, feed):
    client = reader(customer())
    client.get(feed)
    secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    keys = [key.split(":", 2)[2] for key in _cache_keys() if ":shared-html:" in key]

    held = cache.get_many(keys).values()
    assert len(held) == len(posts)
    for card in held:
        assert "csrfmiddlewaretoken" in card and "<!--post-card:csrf-->" in card
        assert not TOKEN.search(card) and secret not in card
        assert 'name="next" value="<!--post-card:next-->"' in card


def _cache_keys() -> list[str]:
    import redis

    client = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    try:
        return [key.decode() for key in client.scan_iter(match="*shared-html:*")]
    finally:
        client.close()


COMMENT = "community/_comment.html"


def comments_of(response) -> str:
    """The comments section of a post page, each reader's CSRF token written as TOKEN."""
    assert response.status_code == 200
    html = response.content.decode()
    section = html[
        html.index('<section class="comments"') : html.index(
            "</section>", html.index('<section class="comments"')
        )
    ]
    return PAGE_TOKEN.sub(r"\1TOKEN", section)


@pytest.fixture
def discussed(posts, author):
    """A post with a comment of its author, one of another member and one a moderator hid."""
    post = posts[0]
    services.comment_create(post=post, author=author, body="I would pay for it.")
    services.comment_create(post=post, author=customer(), body="Same here.")
    hidden = services.comment_create(post=post, author=customer(), body="Buy my charger!")
    services.comment_hide(comment=hidden, moderator=agent(), hidden=True)
    return post


def test_a_warm_cache_renders_no_comment_again(discussed):
    client = reader(customer())
    first = client.get(discussed.get_absolute_url())
    again = client.get(discussed.get_absolute_url())

    assert sum(t.name == COMMENT for t in first.templates) == 2
    assert sum(t.name == COMMENT for t in again.templates) == 0
    assert comments_of(again) == comments_of(first)


def test_each_reader_of_a_post_gets_only_their_own_comment_forms(settings, discussed, author):
    url = discussed.get_absolute_url()
    readers = {
        "author": reader(author),
        "member": reader(customer(), language="zh-hans"),
        "moderator": reader(agent()),
        "anonymous": Client(),
    }
    settings.SHARED_HTML_CACHE_SECONDS = 0
    alone = {name: comments_of(client.get(url)) for name, client in readers.items()}
    settings.SHARED_HTML_CACHE_SECONDS = 600
    for _ in range(2):  # the second round with a cache warmed by all
        for name, client in readers.items():
            assert comments_of(client.get(url)) == alone[name]

    assert alone["author"].count('class="comment-edit"') == 1
    assert "comment-edit" not in alone["member"] + alone["moderator"] + alone["anonymous"]
    assert alone["moderator"].count("inline-form") == 3 and "Buy my charger!" in alone["moderator"]
    assert "inline-form" not in alone["author"] + alone["member"] + alone["anonymous"]
    assert "Buy my charger!" not in alone["author"] + alone["member"] + alone["anonymous"]
    assert "编辑" not in alone["author"] and "post-card:" not in "".join(alone.values())


def test_a_comment_written_edited_or_hidden_shows_at_once(settings, discussed, author):
    url = discussed.get_absolute_url()
    client = reader(author)
    client.get(url)

    mine = discussed.comments.get(author=author)
    services.comment_update(comment=mine, editor=author, body="I would pay **twice**.")
    services.comment_create(post=discussed, author=author, body="And a spare battery.")
    other = discussed.comments.get(body="Same here.")
    services.comment_hide(comment=other, moderator=agent(), hidden=True)

    section = comments_of(client.get(url))
    settings.SHARED_HTML_CACHE_SECONDS = 0
    assert section == comments_of(client.get(url))
    assert "<strong>twice</strong>" in section and "And a spare battery." in section
    assert "Same here." not in section
