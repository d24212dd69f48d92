import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cocreate.accounts.roles import Role
from cocreate.outbox.services import outbox_enqueue_many

from . import transport
from .models import Event, WebhookDelivery, WebhookEndpoint
from .permissions import may_use_webhooks
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from .targets import Target, validate_target

# How long past the request's timeout an attempt in flight is left alone by the re-queue job.
ATTEMPT_LEASE_MARGIN = timedelta(seconds=60)
# The re-queue job takes deliveries this long overdue, so the Celery retry scheduled for the
# due time normally comes first; and at most this many per run.
REQUEUE_GRACE = timedelta(seconds=60)
REQUEUE_BATCH = 500
# Recorded as the last error in English (the log's language); the page translates it.
OWNER_MAY_NOT_RECEIVE = gettext_noop(
    "Not sent: the endpoint's owner is no longer a partner member or staff."
)


def _owner_may_receive() -> Q:
    """may_use_webhooks() for endpoint owners, as a condition: an owner who lost the partner
    member role (and is not staff), or whose account was deactivated, receives nothing, though
    their endpoints stay."""
    partner_members = get_user_model().objects.filter(groups__name=Role.PARTNER_MEMBER)
    may_use = Q(owner__is_staff=True) | Q(owner_id__in=partner_members.values("pk"))
    return may_use & Q(owner__is_active=True)


def retry_delay(attempts: int) -> int:
    """Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt."""
    return settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1)


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
        _owner_may_receive(),
        is_active=True,
        events__contains=[str(event)],
    ).only("pk")
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, payload=payload) for endpoint in endpoints
    )
    if deliveries:
        from .tasks import deliver_webhook

        outbox_enqueue_many(
            deliver_webhook, calls=[((delivery.pk,), {"attempt": 1}) for delivery in deliveries]
        )
    return len(deliveries)


def _request_body_and_headers(delivery: WebhookDelivery) -> tuple[bytes, dict[str, str]]:
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
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "CoCreate-Webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.event_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(
            secret=delivery.endpoint.secret, timestamp=timestamp, body=body
        ),
    }
    return body, headers


@dataclass(frozen=True)
class _Outcome:
    response_status: int | None = None
    error: str = ""
    refused: bool = False  # the target itself is refused: no point retrying


def _send(delivery: WebhookDelivery) -> _Outcome:
    try:
        target: Target = validate_target(delivery.endpoint.url)
    except ValidationError as error:
        return _Outcome(error="; ".join(error.messages), refused=True)
    body, headers = _request_body_and_headers(delivery)
    try:
        status = transport.post(
            target, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
    except transport.TRANSPORT_ERRORS as error:
        return _Outcome(error=f"{type(error).__name__}: {error}")
    return _Outcome(response_status=status)


def _lease_end(now: datetime) -> datetime:
    """Until when an attempt starting `now` is left alone: its request has surely timed out."""
    return now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS) + ATTEMPT_LEASE_MARGIN


def _attempt_claim(*, delivery_id: int, attempt: int) -> WebhookDelivery | None:
    """Count attempt number `attempt` as made, or None when it was already (or the delivery is
    finished). The row is locked only for this, then committed before the request goes out."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint__owner")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING, attempts=attempt - 1)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts = attempt
        if not may_use_webhooks(delivery.endpoint.owner):
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = OWNER_MAY_NOT_RECEIVE
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = _lease_end(timezone.now())
        delivery.save(update_fields=["attempts", "status", "last_error", "next_attempt_at"])
        return delivery


def _attempt_record(*, delivery_id: int, attempt: int, outcome: _Outcome) -> WebhookDelivery | None:
    """Store the outcome of attempt `attempt` and when the next one is due. None when another
    attempt was claimed meanwhile (this one outlived its lease): its outcome is the one kept."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING, attempts=attempt)
            .first()
        )
        if delivery is None:
            return None
        now = timezone.now()
        delivery.response_status = outcome.response_status
        delivery.last_error = outcome.error[:300]
        delivery.next_attempt_at = None
        if outcome.response_status is not None and 200 <= outcome.response_status < 300:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = now
        elif outcome.refused or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))
        delivery.save(
            update_fields=[
                "response_status",
                "last_error",
                "next_attempt_at",
                "status",
                "delivered_at",
            ]
        )
        return delivery


def webhook_delivery_attempt(*, delivery_id: int, attempt: int) -> WebhookDelivery | None:
    """Make attempt number `attempt` (from 1) of a delivery and record its outcome.

    None when that attempt was already made or the delivery is finished, so a duplicate or late
    task changes nothing and sends nothing. The row is locked to claim the attempt and to record
    its outcome, never while the request runs (up to WEBHOOK_TIMEOUT_SECONDS). Every transport
    failure (refused connection, timeout, TLS error, a garbage answer) is a failed attempt, retried
    until WEBHOOK_MAX_ATTEMPTS; an endpoint whose owner may no longer use webhooks is not sent to.
    """
    delivery = _attempt_claim(delivery_id=delivery_id, attempt=attempt)
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    outcome = _send(delivery)
    return _attempt_record(delivery_id=delivery_id, attempt=attempt, outcome=outcome)


def webhook_delivery_requeue_overdue(*, now: datetime | None = None) -> int:
    """Queue the next attempt of pending deliveries well past their due time: their task was lost
    (the enqueue after commit failed, a worker died mid-attempt). Each gets a new lease first, so
    running this again queues nothing twice; a task that turns up anyway finds its attempt made.
    Returns the number queued.
    """
    from .tasks import deliver_webhook

    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now - REQUEUE_GRACE)
            .order_by("next_attempt_at")
            .values_list("pk", "attempts")[:REQUEUE_BATCH]
        )
        if not overdue:
            return 0
        WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in overdue]).update(
            next_attempt_at=_lease_end(now)
        )
        outbox_enqueue_many(
            deliver_webhook,
            calls=[((pk,), {"attempt": attempts + 1}) for pk, attempts in overdue],
        )
    return len(overdue)
