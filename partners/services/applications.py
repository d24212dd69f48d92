"""Applications: an organisation asks to join the directory; staff approve or reject it."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant
from cocreate.core.errors import StateConflict
from cocreate.core.i18n import detect_language
from cocreate.core.markup import render_markdown
from cocreate.notifications.services import notification_send
from cocreate.webhooks.models import Event
from cocreate.webhooks.services import webhook_event_emit

from ..models import Application, Membership, Partner
from ._common import _interpolate, _unique_slug


class AlreadyDecided(StateConflict):
    """The application was approved or rejected before this decision arrived: HTTP 409."""


def partner_name_taken(name: str, *, exclude_application: Application | None = None) -> bool:
    """True when a partner, or another application under review, already uses `name`."""
    key = name.strip().lower()
    if Partner.objects.annotate(key=Lower("name")).filter(key=key).exists():
        return True
    pending = Application.objects.annotate(key=Lower("name")).filter(
        key=key, status=Application.Status.PENDING
    )
    if exclude_application is not None:
        pending = pending.exclude(pk=exclude_application.pk)
    return pending.exists()


@transaction.atomic
def application_submit(
    *,
    applicant,
    name: str,
    kind: str,
    country: str,
    capabilities: list[str],
    description: str = "",
    website: str = "",
) -> Application:
    """Record an application and tell staff. Raises ValidationError for a name already in use."""
    application = Application(
        applicant=applicant,
        name=name.strip(),
        kind=kind,
        country=country,
        capabilities=sorted(set(capabilities)),
        description=description,
        description_html=render_markdown(description),
        website=website,
    )
    if partner_name_taken(application.name):
        raise ValidationError(
            {"name": _("A partner or an application under review already uses this name.")}
        )
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # a twin submitted in the same instant
        raise ValidationError(
            {"name": _("An application for this organisation is under review.")}
        ) from error
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    notification_send(
        recipients=staff,
        kind="partners.application_submitted",
        title=_interpolate(_("New partner application: %(name)s"), name=application.name),
        url=reverse("partners:application_review", args=[application.pk]),
        dedupe_key=f"partners.application_submitted:{application.pk}",
        email=False,
    )
    return application


def _emit_decided(application: Application) -> None:
    """`partner.application_decided` to the applicant's endpoints (and staff's)."""
    webhook_event_emit(
        event=Event.PARTNER_APPLICATION_DECIDED,
        payload={
            "application": application.pk,
            "name": application.name,
            "status": application.status,
            "partner": application.partner.slug if application.partner else None,
            "message": application.decision_message,
            "decided_at": application.decided_at.isoformat(),
        },
        audience=[application.applicant],
    )


def _lock_pending(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.is_pending:
        raise AlreadyDecided(_("This application was already decided."))
    return locked


@transaction.atomic
def application_approve(*, application: Application, decided_by, message: str = "") -> Partner:
    """Create the active partner, make the applicant its owner with the partner_member role,
    and notify them. Raises AlreadyDecided, or ValidationError if the name was taken meanwhile."""
    application = _lock_pending(application)
    language = detect_language(f"{application.name}\n{application.description}")
    partner = Partner(
        name=application.name,
        slug=_unique_slug(Partner, application.name, fallback="partner"),
        kind=application.kind,
        country=application.country,
        capabilities=application.capabilities,
        website=application.website,
        status=Partner.Status.ACTIVE,
        language=language,
    )
    # The description is the profile's text in the language it is written in, whatever the
    # reviewer's (partners/translation.py).
    partner.description_in(language, application.description)
    partner.full_clean(exclude=["logo"])
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as error:  # the name or slug was taken since full_clean looked
        raise ValidationError(_("A partner with this name already exists.")) from error
    Membership.objects.create(
        user=application.applicant, partner=partner, role=Membership.Role.OWNER
    )
    role_grant(user=application.applicant, role=Role.PARTNER_MEMBER)
    application.status = Application.Status.APPROVED
    application.partner = partner
    application.decision_message = message
    application.decided_by = decided_by
    application.decided_at = timezone.now()
    application.save()
    notification_send(
        recipients=[application.applicant],
        kind="partners.application_approved",
        title=_interpolate(
            _("Welcome to the partner directory: %(name)s is listed"), name=partner.name
        ),
        body=message,
        url=reverse("partners:mine"),
        dedupe_key=f"partners.application_decided:{application.pk}",
    )
    _emit_decided(application)
    return partner


@transaction.atomic
def application_reject(*, application: Application, decided_by, message: str) -> Application:
    """Reject with a message the applicant reads. Raises AlreadyDecided."""
    if not message.strip():
        raise ValidationError({"message": _("Tell the applicant why.")})
    application = _lock_pending(application)
    application.status = Application.Status.REJECTED
    application.decision_message = message
    application.decided_by = decided_by
    application.decided_at = timezone.now()
    application.save()
    notification_send(
        recipients=[application.applicant],
        kind="partners.application_rejected",
        title=_interpolate(
            _("Your partner application for %(name)s was not accepted"), name=application.name
        ),
        body=message,
        url=reverse("partners:apply"),
        dedupe_key=f"partners.application_decided:{application.pk}",
    )
    _emit_decided(application)
    return application
