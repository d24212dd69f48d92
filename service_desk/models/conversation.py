"""What is said on a ticket: messages and internal notes, their private attachments, and the
canned responses agents insert."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocreate.core.clock import ClockDateTimeField
from cocreate.core.media import PrivateStorage

from ..placeholders import validate_placeholders
from .choices import Category
from .mail import Channel
from .tickets import Ticket


class TicketMessage(models.Model):
    """A public reply (customer or agent) or an internal note (agents only, never shown to customers)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ticket_messages",
        verbose_name=_("author"),
    )
    internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"), max_length=20000)
    body_html = models.TextField(editable=False)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    created_at = ClockDateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self):
        return f"{self.ticket_id}: {self.body[:40]}"


# storages["attachments"]: private, outside MEDIA_ROOT, as /media/ is public and attachments are
# not.
attachment_storage = PrivateStorage("attachments")


def _private_storage():
    """TicketAttachment.file's storage (migration 0001 names this callable)."""
    return attachment_storage


def attachment_path(instance, filename: str) -> str:
    """tickets/<ticket>/<random>/<name>: unique before the file exists, as the file is written
    only after the transaction commits (services/_attachments.py)."""
    return f"tickets/{instance.ticket_id}/{secrets.token_hex(8)}/{Path(filename).name}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=_private_storage)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = ClockDateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("service_desk:attachment", args=[self.ticket.number, self.pk])

    @property
    def internal(self) -> bool:
        return bool(self.message_id) and self.message.internal


class CannedResponse(models.Model):
    """A reply agents reuse; its placeholders ({customer}, {ticket} …) are filled when it is
    inserted (placeholders.py)."""

    title = models.CharField(_("title"), max_length=120, unique=True)
    body = models.TextField(_("text"), max_length=10000)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self):
        return self.title

    def clean(self):
        try:
            validate_placeholders(self.body)
        except ValidationError as error:
            raise ValidationError({"body": error.messages}) from error
