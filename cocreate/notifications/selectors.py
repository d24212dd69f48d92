from dataclasses import dataclass

from cocreate.accounts.own_page import OwnItems

from .kinds import DIGEST_KIND, KindGroup, kind_groups_for
from .models import Notification, NotificationPreference
from .services import delivery_of


def notifications_for(user, *, unread_only: bool = False):
    """The user's notifications, newest first; the digests' own rows are the e-mails, not news."""
    notifications = Notification.objects.filter(recipient=user).exclude(kind=DIGEST_KIND)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def own_notifications(user, limit: int) -> OwnItems:
    """The own page's latest notifications (cocreate/accounts/own_page.py), and how many there
    are (two queries)."""
    notifications = notifications_for(user)
    return OwnItems(notifications.count(), list(notifications[:limit]))


@dataclass(frozen=True)
class GroupPreference:
    group: KindGroup
    delivery: str


def preferences_of(user) -> list[GroupPreference]:
    """How `user` hears of each group they may receive, in the page's order (one query)."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("group", "delivery"))
    return [GroupPreference(group, delivery_of(group, stored)) for group in kind_groups_for(user)]
