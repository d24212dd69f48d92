from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry; a re-run deletes nothing more."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def refresh_search_vocabulary() -> int:
    """Rebuild the search vocabulary from the searchable texts (cocreate/core/vocabulary.py);
    a re-run over the same texts changes nothing. Returns how many words changed."""
    from .vocabulary import refresh_vocabulary

    return refresh_vocabulary()
