"""The notifications' part of a person's data (cocreate/accounts/personal_data.py)."""

from .kinds import DIGEST_KIND
from .models import Notification, NotificationPreference


def export(user) -> dict:
    return {
        "notifications": list(
            Notification.objects.filter(recipient=user)
            .exclude(kind=DIGEST_KIND)
            .values("kind", "title", "body", "url", "created_at", "read_at", "emailed_at")
        ),
        "preferences": list(
            NotificationPreference.objects.filter(user=user).values("group", "delivery")
        ),
    }


def erase(user) -> None:
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
