"""Every write of the partner directory that carries a rule, one function each."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant
from cocreate.core.errors import StateConflict
from cocreate.core.i18n import detect_language, supported_language
from cocreate.core.markdown import render_markdown
from cocreate.notifications.services import notification_send
from cocreate.outbox.services import outbox_enqueue
from cocreate.webhooks.models import Event
from cocreate.webhooks.services import webhook_event_emit

from .models import (
    RESERVED_SLUGS,
    Application,
    CollaborationProject,
    Invitation,
    Membership,
    Partner,
    Provision,
    Supply,
)
from .permissions import acting_ownerships, can_create_project, can_manage_project
from .tasks import send_invitation_email

INVITATION_VALID_FOR = timedelta(days=14)
# A slug computed from a title can be taken by a twin saved in the same instant: try again.
PROJECT_SLUG_ATTEMPTS = 5
_OPEN_INVITATION = "invitation_one_open_per_email"

# The fields a partner's members may change about their own organisation; the rest (status,
# verified, name) is staff's to decide.
PARTNER_EDITABLE_FIELDS = (
    "kind",
    "country",
    "regions_served",
    "capabilities",
    "certifications",
    "description",
    "website",
    # Empty: detected from the name and description.
    "language",
)


def _interpolate(text, **params):
    """`text % params`, kept lazy so each recipient reads it in their own language."""
    return lazy(lambda: str(text) % params, str)()


class AlreadyDecided(StateConflict):
    """The application was approved or rejected before this decision arrived: HTTP 409."""


def _violated_constraint(error: IntegrityError) -> str:
    """The name of the constraint PostgreSQL reported, or "" (psycopg's diagnostics)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _suspended_message(partner: Partner):
    return _interpolate(
        _(
            "%(name)s is suspended: its profile, members, catalog listing and projects cannot "
            "be changed. Contact staff to lift the suspension."
        ),
        name=partner.name,
    )


def _require_not_suspended(partner: Partner) -> None:
    """Staff suspend a partner to stop it acting on the platform: its members change nothing."""
    if partner.is_suspended:
        raise PermissionDenied(_suspended_message(partner))


def _unique_slug(model, text: str, *, fallback: str) -> str:
    base = slugify(text)[:60].strip("-") or fallback
    if base in RESERVED_SLUGS:
        base = f"{base}-{fallback}"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


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


# --- Applications -------------------------------------------------------------------------------


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
    partner = Partner(
        name=application.name,
        slug=_unique_slug(Partner, application.name, fallback="partner"),
        kind=application.kind,
        country=application.country,
        capabilities=application.capabilities,
        description=application.description,
        description_html=application.description_html,
        website=application.website,
        status=Partner.Status.ACTIVE,
        language=detect_language(f"{application.name}\n{application.description}"),
    )
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


# --- Partner profile ----------------------------------------------------------------------------


@transaction.atomic
def partner_update(*, partner: Partner, logo=None, remove_logo: bool = False, **fields) -> Partner:
    """Change the profile fields members may edit. `logo` must come from `logos.logo_clean`.

    Raises PermissionDenied for a suspended partner, ValidationError (nothing saved) for
    invalid values.
    """
    unknown = set(fields) - set(PARTNER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable by members: {sorted(unknown)}")
    _require_not_suspended(partner)
    for name, value in fields.items():
        setattr(partner, name, value)
    if "description" in fields:
        partner.description_html = render_markdown(partner.description)
    for name in ("capabilities", "certifications", "regions_served"):
        if name in fields:
            setattr(partner, name, list(dict.fromkeys(fields[name])))
    if "language" in fields and not supported_language(fields["language"]):
        partner.language = detect_language(f"{partner.name}\n{partner.description}")
    partner.full_clean(exclude=["logo"])
    old_logo = partner.logo.name if partner.logo else ""
    if logo is not None:
        partner.logo.save(logo.name, logo, save=False)
    elif remove_logo:
        partner.logo = ""
    partner.save()
    if old_logo and old_logo != (partner.logo.name if partner.logo else ""):
        storage, name = partner.logo.storage, old_logo
        transaction.on_commit(lambda: storage.delete(name))
    return partner


# --- Memberships and invitations ----------------------------------------------------------------


def membership_of(user, partner: Partner) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, partner=partner).first()


def _require_owner(user, partner: Partner) -> None:
    membership = membership_of(user, partner)
    if membership is None or not membership.is_owner:
        raise PermissionDenied(_("Only the organisation's owners may do this."))


def invitation_validate(*, partner: Partner, email: str) -> None:
    """Raise ValidationError when `email` already belongs to a member of `partner` or has an
    open (unexpired) invitation to it; `invitation_create` checks the same."""
    email = email.strip()
    if Membership.objects.filter(partner=partner, user__email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this address is already a member.")})
    open_invitations = Invitation.objects.filter(
        partner=partner, email__iexact=email, accepted_at__isnull=True
    )
    if open_invitations.filter(expires_at__gt=timezone.now()).exists():
        raise ValidationError({"email": _("This address already has an open invitation.")})


@transaction.atomic
def invitation_create(
    *, partner: Partner, email: str, invited_by, role: str = Membership.Role.MEMBER
) -> Invitation:
    """Invite `email` to join `partner` and e-mail them the link.

    Preconditions: `invited_by` owns the partner, or is staff (the admin); PermissionDenied
    otherwise, and for a suspended partner. Raises ValidationError when the address already
    belongs to a member or has an open invitation, also when a twin invitation is saved in the
    same instant (the `invitation_one_open_per_email` constraint decides).
    """
    if not invited_by.is_staff:
        _require_owner(invited_by, partner)
    _require_not_suspended(partner)
    email = email.strip()
    invitation_validate(partner=partner, email=email)
    now = timezone.now()
    # Expired invitations give way to the new one. Only expired ones: a twin saved since the
    # check above stays, and the insert below fails on the constraint instead.
    Invitation.objects.filter(
        partner=partner, email__iexact=email, accepted_at__isnull=True, expires_at__lte=now
    ).delete()
    invitation = Invitation(
        partner=partner,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=now + INVITATION_VALID_FOR,
    )
    try:
        with transaction.atomic():
            invitation.save(force_insert=True)
    except IntegrityError as error:
        if _violated_constraint(error) != _OPEN_INVITATION:
            raise
        raise ValidationError(
            {"email": _("This address already has an open invitation.")}, code="duplicate"
        ) from error
    invitees = get_user_model().objects.filter(email__iexact=email, is_active=True)
    notification_send(
        recipients=invitees,
        kind="partners.invitation",
        title=_interpolate(_("You are invited to join %(name)s"), name=partner.name),
        url=invitation.get_absolute_url(),
        dedupe_key=f"partners.invitation:{invitation.pk}",
        email=False,  # the invitation e-mail below carries the same link
    )
    outbox_enqueue(send_invitation_email, invitation.pk)
    return invitation


def invitation_addressed_to(invitation: Invitation, user) -> bool:
    """True when `user` is signed in with the address the invitation was sent to."""
    email = (getattr(user, "email", "") or "").strip()
    return bool(email) and email.lower() == invitation.email.strip().lower()


def invitation_refusal(invitation: Invitation, user):
    """Why `user` may not accept `invitation` (a message for them), or None if they may.

    The link can be forwarded, so only the invitee joins: the signed-in account's e-mail
    address must be the invitation's (case-insensitive). A suspended partner takes no one in.
    """
    if not invitation_addressed_to(invitation, user):
        return _interpolate(
            _(
                "This invitation was sent to another e-mail address than your account's "
                "(%(email)s). Log in with the account it was sent to, or ask the owner to "
                "invite %(email)s."
            ),
            email=getattr(user, "email", "") or "—",
        )
    if invitation.partner.is_suspended:
        return _suspended_message(invitation.partner)
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Make `user` a member (or owner) of the inviting partner.

    Raises ValidationError if the invitation was used already or has expired, PermissionDenied
    (with the reason) when `invitation_refusal` refuses `user`.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partner")
        .get(pk=invitation.pk)
    )
    if invitation.accepted:
        raise ValidationError(_("This invitation was already used."))
    if invitation.is_expired():
        raise ValidationError(_("This invitation has expired. Ask the owner for a new one."))
    refusal = invitation_refusal(invitation, user)
    if refusal is not None:
        raise PermissionDenied(refusal)
    membership, created = Membership.objects.get_or_create(
        user=user, partner=invitation.partner, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.OWNER and not membership.is_owner:
        membership.role = Membership.Role.OWNER
        membership.save(update_fields=["role"])
    role_grant(user=user, role=Role.PARTNER_MEMBER)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.invited_by_id is not None and invitation.invited_by_id != user.pk:
        notification_send(
            recipients=[invitation.invited_by],
            kind="partners.invitation_accepted",
            title=_interpolate(
                _("%(person)s joined %(partner)s"),
                person=user.public_name,
                partner=invitation.partner.name,
            ),
            url=reverse("partners:members", args=[invitation.partner.slug]),
            dedupe_key=f"partners.invitation_accepted:{invitation.pk}",
            email=False,
        )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> None:
    _require_owner(by, invitation.partner)
    if invitation.accepted:
        raise ValidationError(_("This invitation was already used."))
    invitation.delete()


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """An owner removes a member, or a member leaves. The last owner cannot go.

    The partner's owner rows are locked first (in id order, so concurrent removals queue
    instead of deadlocking) and everything is checked against them: of two owners removing
    each other at once, the second finds they are no longer an owner, and the organisation
    keeps one. Raises PermissionDenied or ValidationError.
    """
    owners = list(
        Membership.objects.select_for_update()
        .filter(partner_id=membership.partner_id, role=Membership.Role.OWNER)
        .order_by("pk")
    )
    if membership.user_id != by.pk and all(owner.user_id != by.pk for owner in owners):
        raise PermissionDenied(_("Only the organisation's owners may do this."))
    removes_an_owner = any(owner.pk == membership.pk for owner in owners)
    if removes_an_owner and len(owners) <= 1:
        raise ValidationError(_("An organisation needs at least one owner."))
    membership.delete()


@transaction.atomic
def membership_save(*, membership: Membership) -> Membership:
    """Save a membership staff set up or changed (in the admin) and give its user the
    partner_member role, as accepting an invitation does: the member pages need it."""
    membership.save()
    role_grant(user=membership.user, role=Role.PARTNER_MEMBER)
    return membership


# --- What a partner supplies and provides ---------------------------------------------------------


@transaction.atomic
def supply_add(*, partner: Partner, part, note: str = "") -> Supply:
    _require_not_suspended(partner)
    supply, created = Supply.objects.get_or_create(
        partner=partner, part=part, defaults={"note": note}
    )
    if not created:
        raise ValidationError({"part": _("This part is already listed.")})
    return supply


@transaction.atomic
def provision_add(*, partner: Partner, service, note: str = "") -> Provision:
    _require_not_suspended(partner)
    provision, created = Provision.objects.get_or_create(
        partner=partner, service=service, defaults={"note": note}
    )
    if not created:
        raise ValidationError({"service": _("This service is already listed.")})
    return provision


@transaction.atomic
def catalog_remove(*, partner: Partner, listing: Supply | Provision) -> None:
    """Take a part (Supply) or a service (Provision) off the partner's catalog listing.

    Raises PermissionDenied for a suspended partner; ValueError for another partner's listing
    (callers look it up among `partner`'s own).
    """
    if listing.partner_id != partner.pk:
        raise ValueError("The listing belongs to another partner.")
    _require_not_suspended(partner)
    listing.delete()


# --- Collaboration projects ------------------------------------------------------------------------


def _suspended_owned(user, **filters) -> Partner | None:
    membership = (
        Membership.objects.filter(
            user=user,
            role=Membership.Role.OWNER,
            partner__status=Partner.Status.SUSPENDED,
            **filters,
        )
        .select_related("partner")
        .first()
    )
    return membership.partner if membership else None


def project_require_creator(*, user) -> None:
    """PermissionDenied, with the reason, unless `user` may start projects."""
    if can_create_project(user):
        return
    suspended = _suspended_owned(user) if user.is_authenticated else None
    if suspended is not None:
        raise PermissionDenied(_suspended_message(suspended))
    raise PermissionDenied(_("Staff and the owners of partner organisations start projects."))


def project_require_manager(*, user, project: CollaborationProject) -> None:
    """PermissionDenied, with the reason, unless `user` may change `project`."""
    if can_manage_project(user, project):
        return
    suspended = _suspended_owned(user, partner__projects=project) if user.is_authenticated else None
    if suspended is not None:
        raise PermissionDenied(_suspended_message(suspended))
    raise PermissionDenied(_("Staff and the owners of the project's partners change it."))


def _check_project_partners(*, user, partners) -> None:
    if user.is_staff:
        return
    owned = set(acting_ownerships(user).values_list("partner_id", flat=True))
    if not owned & {partner.pk for partner in partners}:
        raise ValidationError(
            {"partners": _("Include at least one organisation you own.")}, code="not_owner"
        )


def _save_project(project, *, partners, products) -> CollaborationProject:
    if not partners:
        raise ValidationError({"partners": _("A project needs at least one partner.")})
    project.description_html = render_markdown(project.description)
    project.outcomes_html = render_markdown(project.outcomes)
    # The slug is ours (computed on create, never changed): its uniqueness is the constraint's.
    project.full_clean(exclude=["slug"])
    project.save()
    project.partners.set(partners)
    project.products.set(products)
    return project


@transaction.atomic
def project_create(*, created_by, partners, products=(), **fields) -> CollaborationProject:
    """Create a project with a slug from its title. Non-staff must own one of its partners, not
    a suspended one (ValidationError otherwise).

    The slug is checked free and then inserted; a twin saved in between makes the insert fail
    on the unique slug, and the next free slug is tried (PROJECT_SLUG_ATTEMPTS times).
    """
    _check_project_partners(user=created_by, partners=partners)
    for _attempt in range(PROJECT_SLUG_ATTEMPTS):
        project = CollaborationProject(created_by=created_by, **fields)
        project.slug = _unique_slug(CollaborationProject, project.title, fallback="project")
        try:
            with transaction.atomic():
                return _save_project(project, partners=partners, products=products)
        except IntegrityError as error:
            if "slug" not in _violated_constraint(error):
                raise
    raise ValidationError(
        {"title": _("Projects with this title are being created right now; try again.")},
        code="slug_taken",
    )


@transaction.atomic
def project_update(
    *, project: CollaborationProject, by, partners, products=(), **fields
) -> CollaborationProject:
    """Change a project. `by` must manage it before (PermissionDenied, also when their partner
    is suspended) and, unless staff, still own one of its partners after the change
    (ValidationError), so no one edits themselves out."""
    project_require_manager(user=by, project=project)
    _check_project_partners(user=by, partners=partners)
    for name, value in fields.items():
        setattr(project, name, value)
    return _save_project(project, partners=partners, products=products)
