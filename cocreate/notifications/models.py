from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreate.core.clock import ClockDateTimeField

from .kinds import Delivery


class Notification(models.Model):
    """Something a user should know about: listed in the app, and e-mailed once by Celery.

    E-mail (services.notification_emails_send): a task claims the notification
    (`email_claimed_at`, committed) just before it hands the message to the SMTP server, and
    records `emailed_at` in a commit of its own right after the server accepted it. A claim
    older than a task may live belongs to a dead worker: the periodic sweep sends again.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.SlugField(
        _("kind"), max_length=64, help_text=_("e.g. ticket.reply, post.adopted")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Senders that must notify a person only once (a job that may run twice) pass a key;
    # the unique constraint makes the second attempt a no-op.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    send_email = models.BooleanField(_("send by e-mail"), default=True)
    email_claimed_at = models.DateTimeField(_("e-mail being sent since"), null=True, blank=True)
    # The recipient hears of it in a digest e-mail (their preference when it was sent), which
    # collects it and marks it `digested_at` in one transaction (digests.py).
    digest = models.CharField(
        _("digest"),
        max_length=10,
        choices=[(Delivery.DAILY, Delivery.DAILY.label), (Delivery.WEEKLY, Delivery.WEEKLY.label)],
        blank=True,
        default="",
    )
    digested_at = models.DateTimeField(_("digested"), null=True, blank=True)
    # The e-mail belongs to a conversation (a ticket): mail clients thread it under this
    # Message-ID, and a reply goes to `email_reply_to`, a mailbox that reads it (services.EmailThread).
    email_thread = models.CharField(max_length=255, blank=True)
    email_reply_to = models.EmailField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The periodic sweep's e-mails still to send, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(send_email=True, emailed_at__isnull=True),
                name="notification_email_unsent",
            ),
            # The digest job's notifications still to collect, per recipient.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(digested_at__isnull=True) & ~Q(digest=""),
                name="notification_digest_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How `user` hears of a group of notification kinds (kinds.py), when not its default.

    Only choices that differ from the group's default are stored, so a better default reaches
    everyone who never chose."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    group = models.CharField(_("group"), max_length=64)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"], name="notificationpreference_unique_group"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.group}: {self.delivery}"
