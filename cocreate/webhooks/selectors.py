from django.db.models import Prefetch

from .models import WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 10


def webhook_endpoints_with_recent_deliveries(*, owner) -> list[WebhookEndpoint]:
    """The owner's endpoints, each with `recent_deliveries`: its latest RECENT_DELIVERIES.

    Two queries whatever the log's size: the sliced prefetch limits per endpoint in SQL (a
    window function), so an endpoint with a long history does not load it all.
    """
    latest = WebhookDelivery.objects.order_by("-created_at", "-id")[:RECENT_DELIVERIES]
    return list(
        WebhookEndpoint.objects.filter(owner=owner).prefetch_related(
            Prefetch("deliveries", queryset=latest, to_attr="recent_deliveries")
        )
    )
