import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Event, WebhookDelivery, WebhookEndpoint
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from .targets import validate_target


def may_use_webhooks(user) -> bool:
    """Partners integrate through webhooks, and staff; others have no endpoints."""
    return user.is_authenticated and (user.is_staff or user.is_partner_member)


def webhook_endpoint_create(*, owner, url: str, events: list[str]) -> WebhookEndpoint:
    validate_target(url)
    unknown = set(events) - set(Event.values)
    if unknown or not events:
        raise ValidationError({"events": _("Choose one or more known events.")})
    return WebhookEndpoint.objects.create(owner=owner, url=url, events=sorted(set(events)))


def _owned_by(audience: Iterable) -> Q:
    """Staff see every event; others only those of `audience`: users, or querysets of users
    (kept as subqueries, so a product's whole team costs no query of its own)."""
    condition = Q(owner__is_staff=True)
    ids = []
    for member in audience:
        if isinstance(member, QuerySet):
            condition |= Q(owner_id__in=member.values("pk"))
        elif member is not None:
            ids.append(member.pk)
    if ids:
        condition |= Q(owner_id__in=ids)
    return condition


def webhook_event_emit(*, event: Event, payload: dict, audience: Iterable) -> int:
    """Queue `event` for the endpoints of `audience` (the users allowed to see it) and of staff.

    An endpoint owner receives the events of their own tickets and applications, of posts they
    follow and of the products they are on the team for; the emitting service says who that is.
    Call inside the transaction that made the change: deliveries start once it commits.
    Returns the number of deliveries queued.
    """
    endpoints = WebhookEndpoint.objects.filter(
        _owned_by(audience),
        is_active=True,
        events__contains=[str(event)],
    ).only("pk")
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, payload=payload) for endpoint in endpoints
    )
    if deliveries:
        from .tasks import deliver_webhook

        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: [deliver_webhook.delay(pk) for pk in ids])
    return len(deliveries)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could point anywhere, including inside our network: never follow one."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(delivery: WebhookDelivery) -> int:
    body = json.dumps(
        {
            "id": str(delivery.event_id),
            "event": delivery.event,
            "created_at": delivery.created_at.isoformat(),
            "data": delivery.payload,
        },
        separators=(",", ":"),
    ).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "CoCreate-Webhooks/1",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.event_id),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(
                secret=delivery.endpoint.secret, timestamp=timestamp, body=body
            ),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Try one delivery once; record the attempt. None when it is not (or no longer) pending.

    The row stays locked while the request runs, so two workers never send the same delivery.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            validate_target(delivery.endpoint.url)
            delivery.response_status = _post(delivery)
            delivery.last_error = ""
            if 200 <= delivery.response_status < 300:
                delivery.status = WebhookDelivery.Status.SUCCEEDED
                delivery.delivered_at = timezone.now()
        except ValidationError as error:
            delivery.last_error = "; ".join(error.messages)[:300]
            delivery.status = WebhookDelivery.Status.FAILED  # the target itself is refused
        except OSError as error:
            delivery.response_status = None
            delivery.last_error = str(error)[:300]
        if (
            delivery.status == WebhookDelivery.Status.PENDING
            and delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
        ):
            delivery.status = WebhookDelivery.Status.FAILED
        delivery.save()
        return delivery
