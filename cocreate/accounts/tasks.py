from smtplib import SMTPException

from celery import shared_task

from cocreate.core.cache import CacheUnavailable

from . import services, sessions


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
def forget_cached_sessions(keys: list[str]) -> None:
    """Delete cached session copies the store could not delete or replace (accounts/sessions.py);
    retried until the cache's Redis answers. Idempotent."""
    sessions.forget_cached_sessions(keys)
