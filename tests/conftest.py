import pytest
from celery.contrib.testing.worker import start_worker

from cocreate.celery import app as celery_app


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache (rate-limit counters live there). The anonymous
    page cache is off unless a test turns it on (tests/community/test_page_cache.py)."""
    from django.core.cache import cache

    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    cache.clear()
    yield


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (a thread of this process) consuming the real Redis broker.

    Tests using it see the effects of tasks in the database, so they need transactional_db.
    """
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield celery_app
