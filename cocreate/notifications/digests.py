"""Digest e-mails: each person who chose a daily or weekly digest for a group of kinds gets one
e-mail summing up those notifications, in their language and time zone.

When. A daily digest covers what arrived before NOTIFICATION_DIGEST_HOUR (07:00) of the reader's
day, in the reader's time zone, and goes out at the first run of the job after that hour; a
weekly one covers what arrived before that hour on Monday. What arrives later waits for the next
one. The job (`notifications-send-digests`, every 15 minutes, so the hour is met in zones a
quarter or half an hour off UTC) sends the digests due, and catches up after a pause: a digest
due while the job did not run goes out at its next run.

Once. Per person and period (`digest:daily:2026-12-07`, `digest:weekly:2026-W50`) the digest is a
Notification row of kind DIGEST_KIND with that dedupe key, written in the same transaction that
marks the notifications it sums up `digested_at` and enqueues its e-mail through the outbox. So a
run killed half-way has either written a person's digest with its e-mail certain to follow, or
nothing of it; a second run finds the digest there and the notifications taken. The e-mail goes
the way of every notification's (claim, send, record; the sweep re-sends a dead worker's), so
nothing is lost and nothing is sent twice.

Never empty. Notifications already read in the app are taken without being listed; with nothing
unread, no digest is written. A person CoCreate may not e-mail (`has_verified_email`) gets none:
their notifications stay in the app.
"""

import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocreate.accounts.selectors import has_verified_email
from cocreate.core.dates import exact
from cocreate.core.i18n import as_reader, time_zone_or_none, user_time_zone
from cocreate.core.markup import markdown_to_text
from cocreate.core.sql import advisory_lock_tried
from cocreate.outbox.services import outbox_enqueue

from .kinds import DIGEST_KIND, Delivery, kind_group, kind_groups
from .models import Notification

LOCK_KEY = zlib.crc32(b"notifications.digests")
# A digest lists this many notifications; the title counts them all, the app shows the rest.
DIGEST_LINES = 50
# A run stops starting digests after this long (the task's time limit is 300 s); the next run
# takes the rest.
DIGEST_RUN_SECONDS = 200
MONDAY = 0


@dataclass(frozen=True)
class Period:
    delivery: str
    key: str  # the period's name in the dedupe key: a local date or an ISO week
    cutoff: datetime  # the digest covers what arrived before this moment


def digest_period(delivery: str, now: datetime, zone) -> Period:
    """The latest digest period of `delivery` due at `now` for a reader in `zone`: the one whose
    cutoff (NOTIFICATION_DIGEST_HOUR local time, that day or that Monday) has passed."""
    local = timezone.localtime(now, zone)
    cutoff = local.replace(
        hour=settings.NOTIFICATION_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if delivery == Delivery.DAILY:
        if local < cutoff:
            cutoff -= timedelta(days=1)
        key = cutoff.date().isoformat()
    else:
        cutoff -= timedelta(days=cutoff.weekday() - MONDAY)
        if local < cutoff:
            cutoff -= timedelta(days=7)
        year, week, _day = cutoff.isocalendar()
        key = f"{year}-W{week:02d}"
    return Period(delivery, key, cutoff)


def digest_dedupe_key(period: Period) -> str:
    return f"digest:{period.delivery}:{period.key}"


def digests_send(*, now=None) -> int:
    """Write (and enqueue the e-mail of) every digest due at `now`; returns how many. A run that
    finds another one working returns 0 at once."""
    now = now or timezone.now()
    with advisory_lock_tried(LOCK_KEY) as held:
        if not held:
            return 0
        return _send_due(now)


def _send_due(now) -> int:
    deadline = time.monotonic() + DIGEST_RUN_SECONDS
    # Per person and digest, their oldest notification waiting: one row per person and digest.
    waiting = (
        Notification.objects.filter(digested_at__isnull=True)
        .exclude(digest="")
        .order_by()
        .values("recipient_id", "recipient__time_zone", "digest")
        .annotate(oldest=Min("created_at"))
    )
    due: dict[int, list[str]] = {}
    for row in waiting.iterator():
        zone = time_zone_or_none(row["recipient__time_zone"]) or _site_zone()
        if row["oldest"] < digest_period(row["digest"], now, zone).cutoff:
            due.setdefault(row["recipient_id"], []).append(row["digest"])
    sent = 0
    for recipient_id, deliveries in sorted(due.items()):
        if time.monotonic() > deadline:
            break
        sent += _digest_one(recipient_id, sorted(deliveries), now)
    return sent


def _site_zone():
    return timezone.get_default_timezone()


@transaction.atomic
def _digest_one(recipient_id: int, deliveries: list[str], now) -> int:
    """Write the digests due for one person, in one transaction with the notifications they
    take; returns how many were written."""
    from cocreate.accounts.models import User

    from .tasks import send_notification_emails

    recipient = User.objects.get(pk=recipient_id)
    waiting = Notification.objects.select_for_update(of=("self",)).filter(
        recipient_id=recipient_id, digested_at__isnull=True
    )
    if not has_verified_email(recipient):
        # Nowhere to send them: they stay in the app, and no later address brings them back.
        waiting.exclude(digest="").update(digested_at=now)
        return 0
    zone = user_time_zone(recipient)
    written = 0
    for delivery in deliveries:
        period = digest_period(delivery, now, zone)
        key = digest_dedupe_key(period)
        if Notification.objects.filter(recipient_id=recipient_id, dedupe_key=key).exists():
            continue  # this period's digest is out; what arrived late waits for the next one
        items = list(
            waiting.filter(digest=delivery, created_at__lt=period.cutoff).order_by(
                "created_at", "id"
            )
        )
        if not items:
            continue
        unread = [item for item in items if item.read_at is None]
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(digested_at=now)
        if not unread:
            continue  # all read in the app already: nothing new to tell
        digest = _digest_row(recipient, period, unread, key, now)
        outbox_enqueue(send_notification_emails, [digest.pk])
        written += 1
    return written


def _digest_row(recipient, period: Period, items: list[Notification], key: str, now):
    with as_reader(recipient):
        count = len(items)
        if period.delivery == Delivery.DAILY:
            title = ngettext(
                "Your daily digest: %(count)d update", "Your daily digest: %(count)d updates", count
            ) % {"count": count}
        else:
            title = ngettext(
                "Your weekly digest: %(count)d update",
                "Your weekly digest: %(count)d updates",
                count,
            ) % {"count": count}
        body = _digest_body(items)
    return Notification.objects.create(
        recipient=recipient,
        kind=DIGEST_KIND,
        title=title[:200],
        body=body,
        url=reverse("notifications:list"),
        dedupe_key=key,
        send_email=True,
        # Its news are in the app already: the digest itself is never listed there as unread.
        read_at=now,
    )


def _digest_body(items: list[Notification]) -> str:
    """The digest's text, by group in the preferences page's order, oldest first in a group;
    times in the reader's time zone (the caller renders as the reader)."""
    order = {group.name: index for index, group in enumerate(kind_groups())}
    sections: dict[str, list[Notification]] = {}
    for item in items:
        group = kind_group(item.kind)
        sections.setdefault(group.name if group else "", []).append(item)
    lines = []
    shown = 0
    for name in sorted(sections, key=lambda name: order.get(name, len(order))):
        if shown >= DIGEST_LINES:
            break
        group = kind_group(sections[name][0].kind)
        lines += ["", str(group.label) if group else _("Other news"), ""]
        for item in sections[name]:
            if shown >= DIGEST_LINES:
                break
            when = exact(item.created_at)
            lines.append(f"- {when} · {item.title}")
            summary = " ".join(markdown_to_text(item.body).split())
            if summary:
                lines.append(f"  {summary[:157] + '…' if len(summary) > 160 else summary}")
            if item.url:
                lines.append(f"  {settings.SITE_URL}{item.url}")
            shown += 1
    rest = len(items) - shown
    if rest:
        lines += ["", _("More in the app: %(count)d.") % {"count": rest}]
    return "\n".join(lines).strip()
