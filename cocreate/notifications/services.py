import enum
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.accounts.selectors import has_verified_email, verified_email_user_ids
from cocreate.core.i18n import as_reader
from cocreate.core.markup import markdown_to_text
from cocreate.outbox.services import outbox_enqueue

from .kinds import DIGESTS, Delivery, KindGroup, kind_group, kind_groups_for
from .models import Notification, NotificationPreference

# The sweep sends the e-mails still unsent this long after their notification was created (their
# task was lost, or left them because they were locked), so the task normally comes first.
EMAIL_SWEEP_GRACE = timedelta(minutes=2)
EMAIL_SWEEP_BATCH = 100
# A sweep sends batch after batch for up to this long, so a backlog (a broker that lost its queue
# during a burst) goes out in one run or a few, not one batch a minute; within the job's minute.
EMAIL_SWEEP_SECONDS = 45


@dataclass(frozen=True)
class EmailThread:
    """The conversation an e-mail belongs to: mail clients thread it under `reference` (a
    Message-ID), and a reply goes to `reply_to`, an address CoCreate reads (service_desk's
    mailboxes), when there is one."""

    reference: str
    reply_to: str = ""


def _in_language_of(recipient, text) -> str:
    """Evaluate a lazy translatable string in the recipient's language and time zone, not the
    sender's."""
    with as_reader(recipient):
        return str(text)


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable,
    kind: str,
    title,
    body="",
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
    thread: EmailThread | None = None,
) -> list[Notification]:
    """Notify each recipient in the app and, as they chose for the kind's group, by e-mail.

    Each recipient's preference for the kind's group (kinds.py) says how they hear of it: in the
    app only, e-mailed after commit, or collected for their daily or weekly digest (digests.py).
    `email=False` (another e-mail carries the news, or it is for the app only) and a recipient
    CoCreate may not e-mail (`has_verified_email`) mean in the app only, whatever the preference.

    `title` and `body` may be lazy translations: each recipient gets them in their own language.
    With a `dedupe_key`, a recipient already notified under that key is skipped, so a job that
    runs twice notifies no one twice. A `thread` makes the e-mail part of that conversation.
    Former members (deleted accounts) are left out. Returns the notifications actually created.
    """
    # A deleted account (a "former member") keeps its votes and posts, but hears of nothing.
    unique_recipients = list(
        {
            recipient.pk: recipient
            for recipient in recipients
            if not getattr(recipient, "is_former_member", False)
        }.values()
    )
    deliveries = _deliveries(unique_recipients, kind) if email else {}
    # One query for everyone: who may be e-mailed at all.
    mailable = verified_email_user_ids(unique_recipients) if deliveries else set()
    rows = []
    for recipient in unique_recipients:
        delivery = deliveries.get(recipient.pk, Delivery.IN_APP)
        if recipient.pk not in mailable:
            delivery = Delivery.IN_APP
        rows.append(
            Notification(
                recipient=recipient,
                kind=kind,
                title=_in_language_of(recipient, title)[:200],
                body=_in_language_of(recipient, body),
                url=url,
                dedupe_key=dedupe_key,
                send_email=delivery == Delivery.EMAIL,
                digest=delivery if delivery in DIGESTS else "",
                email_thread=thread.reference if thread else "",
                email_reply_to=thread.reply_to if thread else "",
            )
        )
    if dedupe_key:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts returns no primary keys: read the rows back. One left un-e-mailed by an
        # interrupted earlier run is e-mailed now; the e-mail task itself never sends twice.
        created = list(
            Notification.objects.filter(
                dedupe_key=dedupe_key,
                recipient__in=[row.recipient for row in rows],
                emailed_at__isnull=True,
            )
        )
    else:
        created = Notification.objects.bulk_create(rows)
    to_email = [notification.pk for notification in created if notification.send_email]
    if to_email:
        from .tasks import send_notification_emails

        outbox_enqueue(send_notification_emails, to_email)
    return created


def _deliveries(recipients: list, kind: str) -> dict[int, str]:
    """How each recipient hears of `kind`: their choice for its group, else the group's default
    (one query; none for a fixed group). A kind in no group is e-mailed at once."""
    group = kind_group(kind)
    if group is None:
        return {recipient.pk: Delivery.EMAIL for recipient in recipients}
    chosen = {}
    if not group.fixed and recipients:
        chosen = dict(
            NotificationPreference.objects.filter(
                group=group.name, user__in=[recipient.pk for recipient in recipients]
            ).values_list("user_id", "delivery")
        )
    return {
        recipient.pk: _allowed(group, chosen.get(recipient.pk, group.default))
        for recipient in recipients
    }


def _allowed(group: KindGroup, delivery: str) -> str:
    """A stored choice the group no longer offers (its choices changed since) is its default."""
    return delivery if delivery in group.choices else group.default


# --- Preferences -------------------------------------------------------------------------------


def delivery_of(group: KindGroup, stored: Mapping[str, str]) -> str:
    """The delivery in force for `group`, given a person's stored choices by group name."""
    return _allowed(group, stored.get(group.name, group.default))


@transaction.atomic
def notification_preferences_set(*, user, deliveries: Mapping[str, str]) -> dict[str, str]:
    """Save how `user` hears of each group named in `deliveries` (group name → delivery).

    A group that is unknown, or that `user` never receives, is refused by its name; so is a
    delivery the group does not offer. Notifications still waiting for a digest move with the
    choice: to the other digest, or out of the digests (they stay in the app). Returns the
    deliveries now in force for the groups named.
    """
    groups = {group.name: group for group in kind_groups_for(user)}
    errors = {}
    for name, delivery in deliveries.items():
        group = groups.get(name)
        if group is None:
            errors[name] = [_("There is no such kind of notification.")]
        elif delivery not in group.choices:
            errors[name] = [_("Choose one of: %(choices)s.") % {"choices": _labels(group)}]
    if errors:
        raise ValidationError(errors)
    stored = dict(
        NotificationPreference.objects.select_for_update()
        .filter(user=user, group__in=list(deliveries))
        .values_list("group", "delivery")
    )
    for name, delivery in deliveries.items():
        group = groups[name]
        if delivery == delivery_of(group, stored):
            continue
        if delivery == group.default:
            NotificationPreference.objects.filter(user=user, group=name).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user=user, group=name, defaults={"delivery": delivery}
            )
        Notification.objects.filter(
            recipient=user, kind__in=group.kinds, digested_at__isnull=True
        ).exclude(digest="").update(digest=delivery if delivery in DIGESTS else "")
    return dict(deliveries)


def _labels(group: KindGroup) -> str:
    return ", ".join(f"{value} ({Delivery(value).label})" for value in group.choices)


def notifications_mark_read(*, recipient, ids: Iterable[int] | None = None) -> int:
    """Mark the recipient's unread notifications (all, or those in `ids`) read."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# --- E-mail ------------------------------------------------------------------------------------


def email_claim_lease() -> timedelta:
    """How long a claim protects a notification being e-mailed. A task is killed once it has run
    CELERY_TASK_TIME_LIMIT, and it claims after it started: an older claim is a dead worker's."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _email_unsent(now) -> Q:
    """To e-mail and not e-mailed yet, and not being e-mailed by a live task."""
    unclaimed = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - email_claim_lease())
    return Q(send_email=True, emailed_at__isnull=True) & unclaimed


class _Outcome(enum.Enum):
    SENT = "sent"
    NOTHING_TO_DO = "nothing to do"
    LOCKED = "locked"


@dataclass
class EmailRun:
    sent: int = 0
    locked: list[int] = field(default_factory=list)  # still to send: retry them


def notification_emails_send(*, ids: Iterable[int]) -> EmailRun:
    """E-mail each notification of `ids` not e-mailed (nor being e-mailed) yet.

    Each is claimed in a commit of its own, then sent, then recorded as sent in another commit
    at once: a retry after an error sends none of those the SMTP server accepted. Only the
    notification's row is locked (never its recipient's), and only to claim it. A row locked by
    another transaction (a mark-read) is left and returned in `locked`: still to send. An SMTP
    error gives up the claim and is raised.
    """
    run = EmailRun()
    for notification_id in ids:
        outcome = _email_one(notification_id)
        if outcome is _Outcome.SENT:
            run.sent += 1
        elif outcome is _Outcome.LOCKED:
            run.locked.append(notification_id)
    return run


def notification_emails_sweep(*, now=None) -> int:
    """Send the e-mails unsent EMAIL_SWEEP_GRACE after their notification was created, claimed
    by no live task, oldest first, batch after batch for up to EMAIL_SWEEP_SECONDS. Returns how
    many were sent. Rows locked meanwhile are passed over; the next sweep takes them."""
    now = now or timezone.now()
    deadline = time.monotonic() + EMAIL_SWEEP_SECONDS
    unsent = Notification.objects.filter(
        _email_unsent(now), created_at__lte=now - EMAIL_SWEEP_GRACE
    ).order_by("pk")
    sent, after = 0, 0
    while time.monotonic() < deadline:
        ids = list(unsent.filter(pk__gt=after).values_list("pk", flat=True)[:EMAIL_SWEEP_BATCH])
        if not ids:
            break
        sent += notification_emails_send(ids=ids).sent
        after = ids[-1]
    return sent


def _email_one(notification_id: int) -> _Outcome:
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(_email_unsent(now), pk=notification_id)
            .first()
        )
        if notification is None:
            still_unsent = Notification.objects.filter(_email_unsent(now), pk=notification_id)
            return _Outcome.LOCKED if still_unsent.exists() else _Outcome.NOTHING_TO_DO
        if not has_verified_email(notification.recipient):
            notification.send_email = False
            notification.save(update_fields=["send_email"])
            return _Outcome.NOTHING_TO_DO
        notification.email_claimed_at = now
        notification.save(update_fields=["email_claimed_at"])
    try:
        _email_message(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification_id, email_claimed_at=now).update(
            email_claimed_at=None
        )
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return _Outcome.SENT


def email_message_id(notification: Notification) -> str:
    """The same Message-ID for every sending of a notification, so a mail client or a reader can
    tell a rare second delivery (a worker killed right after the server accepted) for what it is."""
    domain = urlsplit(settings.SITE_URL).hostname or "cocreate.invalid"
    return f"<notification-{notification.pk}-{notification.created_at:%Y%m%d%H%M%S}@{domain}>"


def _email_message(notification: Notification) -> EmailMessage:
    recipient = notification.recipient
    with as_reader(recipient):
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
        footer = _("You receive this because you have an account on CoCreate.")
        choose = _("Choose how you hear of each kind of news: %(url)s") % {
            "url": f"{settings.SITE_URL}{reverse('notifications:preferences')}"
        }
        text = markdown_to_text(notification.body)
        body = "\n\n".join(part for part in (text, link, footer, choose) if part)
        headers = {"Message-ID": email_message_id(notification)}
        if notification.email_thread:
            headers["In-Reply-To"] = headers["References"] = notification.email_thread
        return EmailMessage(
            subject=f"[CoCreate] {markdown_to_text(notification.title, links=False)}",
            body=body,
            to=[recipient.email],
            reply_to=[notification.email_reply_to] if notification.email_reply_to else None,
            headers=headers,
        )
