"""The e-mail channel's records: the support mailboxes, and every message they received, kept
whole with what became of it (docs/email.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreate.core.clock import ClockDateTimeField

from .choices import Category


class Channel(models.TextChoices):
    """Where a ticket or a message came from (the desk's metrics count tickets by channel)."""

    WEB = "web", _("Web")
    API = "api", _("API")
    EMAIL = "email", pgettext_lazy("ticket channel", "E-mail")


class Mailbox(models.Model):
    """A support address read over IMAP (or fed by a mail server's pipe), and the defaults of
    the tickets its mail creates.

    The password is not stored: `password_env` names the environment variable that holds it,
    so neither the admin, the API nor a database dump can show it.
    """

    class Security(models.TextChoices):
        TLS = "tls", _("TLS (IMAPS)")
        STARTTLS = "starttls", _("STARTTLS")
        PLAIN = "plain", _("None (loopback tests only)")

    name = models.SlugField(_("name"), max_length=50, unique=True)
    address = models.EmailField(
        _("address"),
        unique=True,
        help_text=_("Customers write here; replies to ticket e-mails come back here."),
    )
    active = models.BooleanField(_("active"), default=True)
    host = models.CharField(_("IMAP server"), max_length=255, blank=True)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.TLS
    )
    username = models.CharField(_("user name"), max_length=255, blank=True)
    password_env = models.CharField(
        _("password variable"),
        max_length=100,
        blank=True,
        help_text=_("The environment variable that holds the IMAP password."),
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("default product"),
    )
    category = models.CharField(
        _("default category"),
        max_length=32,
        choices=Category.choices,
        default=Category.TECHNICAL_SUPPORT,
    )
    language = models.CharField(
        _("default language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of accounts this mailbox creates, and of their e-mails."),
    )
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self):
        return f"{self.name} <{self.address}>"


class InboundMail(models.Model):
    """One message a mailbox received, kept whole (`raw`) with what became of it.

    `message_key` (the Message-ID, else a digest of the bytes) is unique: the same message
    fetched twice, or sent to two of our mailboxes, is received once. The record commits in the
    transaction that creates the ticket or the reply, and only then does the mailbox let the
    message go.
    """

    class Status(models.TextChoices):
        TICKET = "ticket", _("New ticket")
        REPLY = "reply", _("Reply on a ticket")
        IGNORED = "ignored", _("Ignored (automatic mail)")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="messages", verbose_name=_("mailbox")
    )
    message_key = models.CharField(_("Message-ID"), max_length=998, unique=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    raw = models.BinaryField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        "Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
        verbose_name=_("ticket"),
    )
    message = models.OneToOneField(
        "TicketMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
        verbose_name=_("ticket message"),
    )
    received_at = ClockDateTimeField(_("received"), auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        indexes = [
            # The per-sender flood limit counts the tickets a sender's mail opened in the last hour.
            models.Index(
                fields=["sender", "received_at"],
                condition=Q(status="ticket"),
                name="inboundmail_sender_tickets",
            ),
            models.Index(
                fields=["received_at"], condition=Q(status="failed"), name="inboundmail_failed"
            ),
        ]

    def __str__(self):
        return f"{self.sender}: {self.subject}"

    def get_download_url(self):
        return reverse("service_desk:inbound_mail_eml", args=[self.pk])


class FailedMail(InboundMail):
    """The admin's "Failed mail" list: received mail that became nothing, to retry or discard."""

    class Meta:
        proxy = True
        verbose_name = _("failed mail")
        verbose_name_plural = _("failed mail")
