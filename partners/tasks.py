from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cocreate.accounts.models import User
from cocreate.core.dates import exact
from cocreate.core.i18n import as_reader


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link once; a retry or a second run sends nothing twice."""
    from .models import Invitation

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("partner", "invited_by")
            .filter(pk=invitation_id, emailed_at__isnull=True, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        # The expiry is shown in the reader's time zone, with the zone's name beside it. An invitee
        # who already has an account is the reader (their language and time zone). Someone not
        # signed up yet has neither, so the inviter stands in: the inviter's language and time
        # zone (settings.TIME_ZONE when the inviter set none, and with no inviter left, the
        # site's LANGUAGE_CODE and TIME_ZONE).
        reader = (
            User.objects.filter(email__iexact=invitation.email, is_active=True).first()
            or invitation.invited_by
        )
        with as_reader(reader) if reader else translation.override(settings.LANGUAGE_CODE):
            expires = timezone.localtime(invitation.expires_at)
            inviter = invitation.invited_by.public_name if invitation.invited_by else "CoCreate"
            body = "\n\n".join(
                [
                    _("%(inviter)s invites you to join %(partner)s on CoCreate.")
                    % {"inviter": inviter, "partner": invitation.partner.name},
                    _("Open this link to accept (sign up first if you have no account):"),
                    f"{settings.SITE_URL}{invitation.get_absolute_url()}",
                    _("The link expires on %(date)s.")
                    % {"date": f"{exact(expires)} ({expires.tzname()})"},
                ]
            )
            send_mail(
                subject=_("[CoCreate] Join %(partner)s") % {"partner": invitation.partner.name},
                message=body,
                from_email=None,
                recipient_list=[invitation.email],
            )
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    return True


@shared_task
def remind_due_milestones() -> int:
    """Hourly: tell the project's people of its open milestones due within a day, once each
    (partners.services.milestones_remind_due: idempotent, safe when two runs overlap)."""
    from .services import milestones_remind_due

    return milestones_remind_due()
