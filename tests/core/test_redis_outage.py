"""With Redis down (refusing connections, or hung: connections accepted, never answered), the
site keeps answering reads, logins and votes, and /healthz says what is down within 2 s.

Real HTTP against live_server, each request with a client timeout: a request that stalls on
Redis fails the test instead of answering late. Without these fixes a refusing Redis made these
pages 500, and a hung one held every cache call for redis-py's default 5 s.
"""

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from cocreate.accounts.tokens import api_token_create
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory
from tests.redis_faults import HangingProxy, refusing_redis_url, with_address

pytestmark = pytest.mark.django_db(transaction=True)

# Generous bounds ("answers rather than hangs"), not speed targets; /healthz's 2 s is its promise.
PAGE_TIMEOUT_SECONDS = 4
HEALTHZ_TIMEOUT_SECONDS = 2


class Browser:
    """A cookie-keeping HTTP client whose every request gives up after `timeout` seconds."""

    def __init__(self, base_url: str, timeout: float = PAGE_TIMEOUT_SECONDS):
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def request(self, method: str, path: str, *, data=None, headers=None, timeout=None):
        body = None
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base_url + path, data=body, headers=headers, method=method
        )
        try:
            with self._opener.open(request, timeout=timeout or self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        return self.request("POST", path, data=data or {}, **kwargs)


def _move_redis(settings, cache_url: str, broker_url: str) -> None:
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": cache_url}}
    settings.REDIS_URL = broker_url


@pytest.fixture(params=["refusing", "hung"])
def redis_down(request, settings):
    """The cache's and the broker's Redis both down, the way the parameter says."""
    cache_url = settings.CACHES["default"]["LOCATION"]
    broker_url = settings.REDIS_URL
    if request.param == "refusing":
        with refusing_redis_url(cache_url) as dead_cache:
            port = urlsplit(dead_cache).port
            _move_redis(settings, dead_cache, with_address(broker_url, "127.0.0.1", port))
            yield request.param
        return
    real = urlsplit(cache_url)
    proxy = HangingProxy((real.hostname, real.port))
    proxy.hang()
    try:
        _move_redis(settings, proxy.url_for(cache_url), proxy.url_for(broker_url))
        yield request.param
    finally:
        proxy.close()


@pytest.fixture
def site(settings, live_server):
    # Plain HTTP: cookies must not be HTTPS-only, nor the site redirect to HTTPS.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 5  # the page cache is on, as in production
    return live_server.url


@pytest.fixture
def post(db):
    return PostFactory(author=UserFactory(username="author"))


def test_anonymous_pages_answer(site, redis_down, post):
    browser = Browser(site)

    for path in ("/", "/community/", f"/community/{post.product.slug}/", post.get_absolute_url()):
        status, _body = browser.get(path)
        assert status == 200, path
        status, _body = browser.get(path)  # a second time, when the page cache would answer
        assert status == 200, path


def test_the_api_lists_and_takes_a_vote(site, redis_down, post):
    voter = UserFactory(username="voter")
    _token, key = api_token_create(user=voter, name="outage")
    browser = Browser(site)

    status, body = browser.get("/api/v1/posts/")
    assert status == 200
    assert [item["id"] for item in json.loads(body)["results"]] == [post.pk]

    status, body = browser.post(
        f"/api/v1/posts/{post.pk}/vote/", headers={"Authorization": f"Token {key}"}
    )
    assert status == 200
    assert json.loads(body) == {"vote_count": 1, "voted": True}


def test_logins_signed_in_reads_a_vote_on_the_page_and_an_api_token(site, redis_down, post):
    UserFactory(username="carol")
    browser = Browser(site)
    status, _body = browser.get("/accounts/login/")
    assert status == 200
    status, body = browser.post(
        "/accounts/login/",
        {
            "login": "carol",
            "password": "a typo",
            "csrfmiddlewaretoken": browser.cookie("csrftoken"),
        },
    )
    assert status == 200
    assert "The username and/or password you specified are not correct." in body

    status, _body = browser.post(
        "/accounts/login/",
        {
            "login": "carol",
            "password": django_settings.DEMO_PASSWORD,
            "csrfmiddlewaretoken": browser.cookie("csrftoken"),
        },
    )
    assert status == 200  # the redirect after login, followed
    assert browser.cookie(django_settings.SESSION_COOKIE_NAME)

    for path in (
        "/",
        "/community/",
        post.get_absolute_url(),
        "/accounts/profile/",
        "/notifications/",
        "/api/v1/posts/",
    ):
        status, body = browser.get(path)
        assert status == 200, path
    status, body = browser.get("/accounts/profile/")
    assert "carol" in body
    status, body = Browser(site).post(
        "/api/v1/auth/token/", {"username": "carol", "password": django_settings.DEMO_PASSWORD}
    )
    assert status == 200
    assert json.loads(body)["token"]

    status, _body = browser.post(
        f"{post.get_absolute_url()}vote/",
        {"voted": "1", "csrfmiddlewaretoken": browser.cookie("csrftoken")},
    )
    assert status == 200
    assert post.votes.filter(user__username="carol").exists()


def test_healthz_says_what_is_down_within_2_seconds(site, redis_down):
    status, body = Browser(site, timeout=HEALTHZ_TIMEOUT_SECONDS).get("/healthz")

    assert status == 503
    answer = json.loads(body)
    assert answer["status"] == "unavailable"
    assert answer["database"] == "ok"
    assert answer["redis"] == answer["broker"] == answer["cache"] == "unavailable"
