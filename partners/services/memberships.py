"""Memberships and invitations: invite, accept, revoke, remove and save members."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant
from cocreate.notifications.services import notification_send
from cocreate.outbox.services import outbox_enqueue

from ..models import Invitation, Membership, Partner
from ..tasks import send_invitation_email
from ._common import _interpolate, _require_not_suspended, _suspended_message, _violated_constraint

INVITATION_VALID_FOR = timedelta(days=14)

_OPEN_INVITATION = "invitation_one_open_per_email"


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
