from smtplib import SMTPException

from celery import shared_task
from django.core.cache import caches

from cocreate.core.cache import CacheUnavailable, cache_required

from . import services


@shared_task(bind=True, max_retries=3)
def build_data_export(self, export_id: int) -> None:
    """Build a data export and e-mail its link; a mail server that failed is tried again (the
    export stays in progress meanwhile). Idempotent: a finished export is left as it is."""
    try:
        services.data_export_build(export_id=export_id)
    except (SMTPException, ConnectionError, TimeoutError) as error:
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@shared_task
def purge_data_exports() -> tuple[int, int]:
    return services.data_exports_purge()


@shared_task(autoretry_for=(CacheUnavailable,), retry_backoff=True, max_retries=None)
def forget_cached_keys(keys: list[str], alias: str = "default") -> None:
    """Delete cache entries that could not be deleted or replaced when they changed (a session's
    copy, sessions.py; someone's roles, role_cache.py); retried until the cache's Redis answers.
    Idempotent."""
    with cache_required():
        caches[alias].delete_many(keys)
