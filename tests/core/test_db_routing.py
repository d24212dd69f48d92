"""Read replicas (cocreate/core/db_routing.py): which reads go to a replica, and which never do.

The suite runs without DATABASE_REPLICA_URLS. Here each test adds a replica alias of its own: a
second connection to the test database (what a test mirror is), or one to a closed port (a
replica that is down). The tests are transactional, so the replica's connection sees the rows.
Where queries went is read from each connection's own captured queries.
"""

import copy
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections, router, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreate.core import db_routing
from community.models import Post
from tests.factories.accounts import customer, staff
from tests.factories.community import PostFactory
from tests.factories.products import ProductFactory

REPLICA = "replica_1"
_ALIASES = ("replica_1", "replica_2")
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", *_ALIASES])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _replica_settings(**overrides) -> dict:
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict.update(overrides, TEST={**settings_dict["TEST"], "MIRROR": "default"})
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    return settings_dict


def _forget(alias):
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@pytest.fixture(scope="module", autouse=True)
def _replica_aliases_known(django_db_setup):
    """The aliases exist while each test case is set up, so a test may use them (Django refuses
    connections to aliases a test did not name); each test then adds the replicas it needs."""
    configured = {alias: connections.settings.get(alias) for alias in _ALIASES}
    for alias in _ALIASES:
        _forget(alias)
        connections.settings[alias] = _replica_settings()
    yield
    for alias, settings_dict in configured.items():  # DATABASE_REPLICA_URLS' own, if any
        _forget(alias)
        if settings_dict is not None:
            connections.settings[alias] = settings_dict


@pytest.fixture(autouse=True)
def _no_replica_unless_added():
    for alias in _ALIASES:
        _forget(alias)
    db_routing.forget_replica_health()
    yield
    for alias in _ALIASES:
        _forget(alias)
        connections.settings[alias] = _replica_settings()
    db_routing.forget_replica_health()


@contextmanager
def _replica(alias=REPLICA, **overrides):
    """`alias` reads the test database through its own connection, as a test mirror does (or
    wherever `overrides` point it)."""
    connections.settings[alias] = _replica_settings(**overrides)
    try:
        yield connections[alias]
    finally:
        _forget(alias)


@pytest.fixture
def replica():
    with _replica() as connection:
        yield connection


@pytest.fixture
def post():
    return PostFactory(product=ProductFactory(slug="nova-phone-3"), title="Longer battery life")


@contextmanager
def _queries():
    """The SQL each connection ran in the block: {"default": [...], "replica_1": [...]}."""
    captures, result = {}, {}
    for alias in connections:
        capture = CaptureQueriesContext(connections[alias])
        try:
            capture.__enter__()
        except OperationalError:  # a replica that is down: nothing can run there
            result[alias] = []
        else:
            captures[alias] = capture
    try:
        yield result
    finally:
        for alias, capture in captures.items():
            capture.__exit__(None, None, None)
            result[alias] = [query["sql"] for query in capture.captured_queries]


def _touches(queries, table: str) -> bool:
    return any(f'"{table}"' in sql for sql in queries)


def _warm(client, url):
    """One request first: the replica's health is read and kept, the session is known."""
    assert client.get(url).status_code == 200


def test_a_feed_and_a_post_page_read_their_posts_from_the_replica(replica, post):
    client = Client()
    for url in (reverse("community:product", args=["nova-phone-3"]), post.get_absolute_url()):
        _warm(client, url)
        with _queries() as queries:
            response = client.get(url)

        assert response.status_code == 200 and "Longer battery life" in response.content.decode()
        assert _touches(queries[REPLICA], "community_post")
        assert not _touches(queries["default"], "community_post")


@pytest.mark.parametrize(
    "name, args",
    [
        ("products:detail", ["nova-phone-3"]),
        ("products:catalog", []),
        ("partners:directory", []),
        ("service_desk:kb_index", []),
    ],
)
def test_product_pages_search_and_the_directory_read_from_the_replica(replica, post, name, args):
    client = Client()
    url = reverse(name, args=args)
    _warm(client, url + "?q=battery")
    with _queries() as queries:
        assert client.get(url + "?q=battery").status_code == 200

    assert queries[REPLICA] and not any("SELECT" in sql for sql in queries["default"])


def test_an_unmarked_page_and_the_admin_read_from_the_primary(replica, post):
    client = Client()
    client.force_login(staff())
    for url in (
        reverse("community:post_new", args=["nova-phone-3"]),
        reverse("admin:community_post_changelist"),
        reverse("admin:community_post_change", args=[post.pk]),
    ):
        with _queries() as queries:
            assert client.get(url).status_code == 200

        assert queries[REPLICA] == [] and queries["default"]


def test_api_lists_read_from_the_replica_details_and_writes_from_the_primary(replica, post):
    client = Client()
    client.force_login(customer())
    listing, detail = "/api/v1/posts/?product=nova-phone-3", f"/api/v1/posts/{post.pk}/"
    _warm(client, listing)

    with _queries() as on_list:
        assert client.get(listing).json()["results"][0]["id"] == post.pk
    with _queries() as on_detail:
        assert client.get(detail).json()["id"] == post.pk

    assert _touches(on_list[REPLICA], "community_post")
    assert not _touches(on_list["default"], "community_post")
    assert on_detail[REPLICA] == [] and _touches(on_detail["default"], "community_post")


def test_a_write_is_served_by_the_primary_and_its_reads_follow_for_a_few_seconds(
    settings, replica, post
):
    settings.DATABASE_READ_YOUR_WRITES_SECONDS = 5
    client = Client()
    client.force_login(customer())
    feed = reverse("community:product", args=["nova-phone-3"])
    _warm(client, feed)

    with _queries() as on_vote:
        response = client.post(
            reverse("community:post_vote", args=["nova-phone-3", post.pk]), {"voted": "1"}
        )
    with _queries() as after:
        assert client.get(feed).status_code == 200

    assert response.status_code == 302 and on_vote[REPLICA] == []
    cookie = response.cookies[db_routing.COOKIE_NAME]
    assert cookie["max-age"] == 5 and cookie["httponly"]
    assert after[REPLICA] == [] and _touches(after["default"], "community_post")


def _signed_cookie(until: float) -> str:
    """The cookie as any web node sharing SECRET_KEY would set it."""
    response = HttpResponse()
    response.set_signed_cookie(db_routing.COOKIE_NAME, f"{until:.3f}", salt=db_routing._COOKIE_SALT)
    return response.cookies[db_routing.COOKIE_NAME].value


def _feed_reads_from_replica(client) -> bool:
    with _queries() as queries:
        assert client.get(reverse("community:product", args=["nova-phone-3"])).status_code == 200
    return _touches(queries[REPLICA], "community_post")


def test_a_cookie_set_by_another_node_is_honoured(replica, post):
    client = Client()
    client.cookies[db_routing.COOKIE_NAME] = _signed_cookie(time.time() + 5)

    assert not _feed_reads_from_replica(client)


@pytest.mark.parametrize("case", ["tampered", "other key", "unsigned", "expired"])
def test_a_tampered_or_expired_cookie_counts_for_nothing(settings, replica, post, case):
    until = time.time() + 5
    value = {
        "tampered": _signed_cookie(until).replace(f"{until:.3f}", f"{until + 3600:.3f}"),
        "other key": None,
        "unsigned": f"{until:.3f}",
        "expired": _signed_cookie(time.time() - 1),
    }[case]
    if value is None:
        with settings_secret_key(settings, "another-site-" + "x" * 40):
            value = _signed_cookie(until)
    client = Client()
    client.cookies[db_routing.COOKIE_NAME] = value

    assert _feed_reads_from_replica(client)


@contextmanager
def settings_secret_key(settings, key):
    before = settings.SECRET_KEY
    settings.SECRET_KEY = key
    try:
        yield
    finally:
        settings.SECRET_KEY = before


def test_without_replicas_no_cookie_is_set(post):
    client = Client()
    client.force_login(customer())
    response = client.post(
        reverse("community:post_vote", args=["nova-phone-3", post.pk]), {"voted": "1"}
    )

    assert response.status_code == 302 and db_routing.COOKIE_NAME not in response.cookies


def test_transactions_select_for_update_and_writes_use_the_primary(replica, post):
    with db_routing.reads_from_replica(REPLICA):
        assert router.db_for_read(Post) == REPLICA
        with _queries() as queries, transaction.atomic():
            Post.objects.get(pk=post.pk)
            Post.objects.select_for_update().get(pk=post.pk)
            Post.objects.filter(pk=post.pk).update(title="Renamed")
        assert Post.objects.select_for_update().db == "default"
        assert Post.objects.get(pk=post.pk).title == "Renamed"  # the replica mirror, committed

    assert queries[REPLICA] == [] and len(queries["default"]) >= 3
    assert router.db_for_write(Post) == "default"
    assert router.allow_migrate("default", "community") is True
    assert router.allow_migrate(REPLICA, "community") is False


def test_a_request_served_inside_a_transaction_never_asks_the_replica(replica, post):
    """ATOMIC_REQUESTS, or a test case's transaction: no replica could see its rows."""
    with transaction.atomic(), _queries() as queries:
        assert Client().get(post.get_absolute_url()).status_code == 200

    assert queries[REPLICA] == [] and _touches(queries["default"], "community_post")


def test_sessions_and_api_tokens_are_read_from_the_primary(replica):
    from django.contrib.sessions.models import Session

    from cocreate.accounts.models import ApiToken

    with db_routing.reads_from_replica(REPLICA):
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(ApiToken) == "default"


def test_jobs_outside_a_request_read_from_the_primary_while_a_request_reads_the_replica(
    replica,
):
    """A Celery task or a command runs in a thread (or process) with no request context."""
    seen = {}
    worker = threading.Thread(target=lambda: seen.update(job=router.db_for_read(Post)))
    with db_routing.reads_from_replica(REPLICA):
        worker.start()
        worker.join()
        seen["request"] = router.db_for_read(Post)

    assert seen == {"job": "default", "request": REPLICA}
    assert router.db_for_read(Post) == "default"


def test_a_replica_that_is_down_is_skipped_without_an_error(post):
    with _replica(PORT=_closed_port()):
        client = Client()
        with _queries() as queries:
            response = client.get(post.get_absolute_url())

    assert response.status_code == 200 and "Longer battery life" in response.content.decode()
    assert _touches(queries["default"], "community_post")


def test_a_replica_failing_during_a_request_is_replaced_by_the_primary(replica, post):
    client = Client()
    url = post.get_absolute_url()
    _warm(client, url)  # healthy, and known to be for a while
    replica.close()
    replica.settings_dict["PORT"] = _closed_port()  # then it stops

    with _queries() as queries:
        response = client.get(url)

    assert response.status_code == 200 and "Longer battery life" in response.content.decode()
    assert _touches(queries["default"], "community_post")
    assert db_routing.replica_healthy(REPLICA) is False


@pytest.mark.parametrize("lag, used", [("3.5", True), ("60", False), ("NULL", False)])
def test_a_replica_lagging_beyond_the_limit_is_skipped(
    monkeypatch, settings, replica, post, lag, used
):
    """The lag reading is injected: the rehearsal measures real replication."""
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 10
    monkeypatch.setattr(db_routing, "LAG_SQL", f"SELECT {lag}::float")

    assert _feed_reads_from_replica(Client()) is used


def test_of_two_replicas_one_down_the_other_serves(post):
    with _replica("replica_1", PORT=_closed_port()), _replica("replica_2"), _queries() as queries:
        assert Client().get(post.get_absolute_url()).status_code == 200

    assert _touches(queries["replica_2"], "community_post")
    assert not _touches(queries["default"], "community_post")


def test_the_replica_costs_no_extra_query(replica, post):
    client = Client()
    client.force_login(customer())
    url = post.get_absolute_url()
    _warm(client, url)  # the replica's health is known: no check in what is counted
    with _queries() as routed:
        client.get(url)
    client.cookies[db_routing.COOKIE_NAME] = _signed_cookie(time.time() + 5)
    with _queries() as on_primary:
        client.get(url)

    assert routed[REPLICA] and on_primary[REPLICA] == []
    assert sum(map(len, routed.values())) == len(on_primary["default"])


def test_replica_urls_become_aliases_mirroring_the_test_database():
    code = (
        "from django.conf import settings;"
        "r = settings.DATABASES['replica_2'];"
        "print(sorted(settings.DATABASES), r['HOST'], r['PORT'], r['NAME'], r['TEST']['MIRROR'],"
        " r['CONN_MAX_AGE'] == settings.DATABASES['default']['CONN_MAX_AGE'],"
        " r['CONN_HEALTH_CHECKS'], r['OPTIONS']['connect_timeout'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        "DATABASE_REPLICA_URLS": "postgres://ro@10.0.0.2:5432/cocreate,"
        "postgres://ro@10.0.0.3:6432/cocreate?connect_timeout=5",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == [
        "['default',",
        "'replica_1',",
        "'replica_2']",
        "10.0.0.3",
        "6432",
        "cocreate",
        "default",
        "True",
        "True",
        "5",
    ]


def test_a_viewset_may_keep_its_list_on_the_primary():
    from rest_framework import viewsets

    class Listed(viewsets.ReadOnlyModelViewSet):
        queryset = Post.objects.all()

    class Kept(Listed):
        replica_reads = False

    assert db_routing.lag_tolerant(Listed.as_view({"get": "list"}))
    assert not db_routing.lag_tolerant(Listed.as_view({"get": "retrieve"}))
    assert not db_routing.lag_tolerant(Kept.as_view({"get": "list"}))


def test_a_head_request_reads_from_the_replica_and_an_options_one_sets_no_cookie(replica, post):
    client = Client()
    url = reverse("products:detail", args=["nova-phone-3"])
    _warm(client, url)
    with _queries() as queries:
        assert client.head(url).status_code == 200

    assert _touches(queries[REPLICA], "products_product")
    assert db_routing.COOKIE_NAME not in client.options(url).cookies
