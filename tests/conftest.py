import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from cocreate.celery import app as celery_app
from cocreate.core.cache import forget_failures
from cocreate.outbox import services as outbox_services
from tests.broker import RedisServer, forget_pooled_broker_connections


def clear_cache() -> None:
    """Delete this project's cache keys, and only them.

    Not `cache.clear()`: that flushes the whole Redis database, and on a shared server another
    checkout's broker may live in it (the cache is REDIS_URL's database + 1, someone else's
    REDIS_URL may name that very database).
    """
    location = django_settings.CACHES["default"]["LOCATION"]
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]
    client = redis.Redis.from_url(location)
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
    finally:
        client.close()


@pytest.fixture(autouse=True, scope="session")
def _suite_secret_key():
    """pytest-django runs the suite with DEBUG off, where a Celery worker (the celery_worker
    fixture's too) refuses the development key (cocreate/production.py): the suite has its own."""
    django_settings.SECRET_KEY = "cocreate-test-suite-" + "k" * 40


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache (rate-limit counters live there), which no outage
    of an earlier test keeps it from asking. The shared page caches are off unless a test turns
    them on (tests/community/test_page_cache.py, test_reader_page_cache.py)."""
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    settings.READER_PAGE_CACHE_SECONDS = 0
    forget_failures()
    clear_cache()
    yield


@pytest.fixture(autouse=True)
def _no_roles_must_enrol_in_two_factor(settings):
    """The suite's staff sign in with a password alone (the default setting would send them to
    the two-factor enrolment first); the tests of two-factor sign-in name the roles that must
    enrol (tests/accounts/test_two_factor.py)."""
    settings.ACCOUNTS_MFA_REQUIRED_ROLES = []


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (a thread of this process) consuming the real Redis broker.

    Tests using it see the effects of tasks in the database, so they need transactional_db.
    """
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield celery_app


@pytest.fixture
def smtp_sink(settings):
    """Django's e-mail goes to a real SMTP server (tests/smtp.py) that keeps what it accepts."""
    from tests.smtp import SmtpSink

    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield sink
    sink.stop()


@pytest.fixture
def own_broker(settings):
    """This process's Celery uses a Redis server of the test's own (to publish, and in a worker
    started inside the test), which the test may stop and start: tests/broker.py."""
    server = RedisServer()
    server.start()
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = server.url
    forget_pooled_broker_connections()
    # A failed publish pauses this process's publishing on commit; no other test inherits that.
    outbox_services.outbox_publishing_resume()
    yield server
    server.stop()
    forget_pooled_broker_connections()  # the settings name the shared broker again next
    outbox_services.outbox_publishing_resume()


@pytest.fixture(scope="session")
def dovecot_server():
    """A real IMAP server (tests/mailserver.py) for the whole run: started once, as the first
    test asks for it."""
    from tests.mailserver import running_dovecot

    with running_dovecot() as server:
        yield server


@pytest.fixture
def dovecot(dovecot_server):
    """The IMAP server, its INBOX emptied for this test."""
    dovecot_server.clear()
    return dovecot_server


@pytest.fixture(scope="session")
def object_store():
    """A real S3-compatible server (tests/objectstore.py, moto's) for the whole run: started
    once, as the first test asks for it."""
    from tests.objectstore import running_object_store

    with running_object_store() as server:
        yield server


@pytest.fixture
def s3(object_store, settings):
    """settings.STORAGES on a fresh public and private bucket of the object store, as
    settings.py builds them from the STORAGE_S3_* settings; returns those settings."""
    from cocreate.core.object_storage import s3_storages

    buckets = object_store.new_buckets()
    settings.STORAGE_S3 = buckets
    settings.STORAGES = {**settings.STORAGES, **s3_storages(buckets)}
    return buckets


@pytest.fixture(scope="session")
def oidc_provider_server():
    """A real OpenID Connect provider (tests/oidc.py) for the whole run: started once, as the
    first test asks for it."""
    from tests.oidc import running_oidc_provider

    with running_oidc_provider() as server:
        yield server


@pytest.fixture
def oidc_provider(oidc_provider_server):
    """The OpenID Connect provider with no clients, users or ID token overrides of an earlier
    test: the test adds its own."""
    oidc_provider_server.reset()
    return oidc_provider_server
