"""Joining a collaboration project takes the partner's consent: its managers invite, one of the
invited partner's owners accepts (the partner is then on the project) or declines.

A partner is never put on a project by someone who does not own it: `project_create` and
`project_update` invite every partner the author does not own through `_invite` here.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.core.errors import StateConflict
from cocreate.core.ratelimit import RateLimit, RateLimited, rate_limit_hit
from cocreate.notifications.services import notification_send

from ..models import CollaborationProject, Membership, Partner, ProjectInvitation
from ..permissions import can_answer_project_invitation
from ._common import _interpolate, _suspended_message, _violated_constraint

_OPEN_INVITATION = "project_invitation_one_open"

# Invitations notify another organisation's owners: a manager sends at most this many an hour
# (pages and API share the budget).
PROJECT_INVITE_RATE = RateLimit(30, 3600)


class InvitationAnswered(StateConflict):
    """The invitation was accepted, declined or withdrawn before this answer came: HTTP 409."""


def _answered():
    return InvitationAnswered(
        _("This invitation was already answered or withdrawn."), code="already_answered"
    )


def _owners(partner: Partner):
    return [
        membership.user
        for membership in Membership.objects.filter(
            partner=partner, role=Membership.Role.OWNER, user__is_active=True
        ).select_related("user")
    ]


def project_invite_refusal(*, project: CollaborationProject, partner: Partner):
    """Why `partner` cannot be invited to `project` (a message for the field), or None."""
    if partner.is_suspended:
        return _interpolate(
            _("%(name)s is suspended: it cannot join projects until staff lift the suspension."),
            name=partner.name,
        )
    if not partner.is_active:
        return _interpolate(
            _("%(name)s is not active in the directory yet: it cannot join projects."),
            name=partner.name,
        )
    if project.pk and project.partners.filter(pk=partner.pk).exists():
        return _interpolate(_("%(name)s is already on the project."), name=partner.name)
    return None


def _count_invitation(by) -> None:
    """Count one invitation `by` sends (the page, the API and the project form share the
    budget): RateLimited past PROJECT_INVITE_RATE."""
    wait = rate_limit_hit(key=f"partners.project_invite:{by.pk}", rate=PROJECT_INVITE_RATE)
    if wait is not None:
        raise RateLimited(wait)


def _open_invitation_error(partner: Partner) -> ValidationError:
    return ValidationError(
        {
            "partner": _interpolate(
                _("%(name)s already has an open invitation to this project."), name=partner.name
            )
        },
        code="duplicate",
    )


def _invite(*, project, partner, by, message: str = "") -> ProjectInvitation:
    """Save the invitation and tell the partner's owners; the checks are the caller's."""
    invitation = ProjectInvitation(
        project=project, partner=partner, invited_by=by, message=message.strip()
    )
    invitation.full_clean(exclude=["project", "partner", "invited_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save(force_insert=True)
    except IntegrityError as error:  # a twin invitation saved in the same instant
        if _violated_constraint(error) != _OPEN_INVITATION:
            raise
        raise _open_invitation_error(partner) from error
    notification_send(
        recipients=_owners(partner),
        kind="partners.project_invitation",
        title=_interpolate(
            _("%(partner)s is invited to the collaboration project “%(project)s”"),
            partner=partner.name,
            project=project.title,
        ),
        body=invitation.message,
        url=project_invitation_url(invitation),
        dedupe_key=f"partners.project_invitation:{invitation.pk}",
    )
    return invitation


def project_invitation_url(invitation: ProjectInvitation) -> str:
    return reverse("partners:project_invitation", args=[invitation.project.slug, invitation.pk])


@transaction.atomic
def project_invite(
    *, project: CollaborationProject, partner: Partner, by, message: str = ""
) -> ProjectInvitation:
    """Invite `partner` to `project`; it joins when one of its owners accepts.

    `by` must manage the project (PermissionDenied with the reason). ValidationError on
    `partner` when it is suspended, not active yet, on the project already or invited already
    (also when a twin invitation is saved in the same instant); RateLimited past
    PROJECT_INVITE_RATE.
    """
    _require_manager(by, project)
    refusal = project_invite_refusal(project=project, partner=partner)
    if refusal is not None:
        raise ValidationError({"partner": refusal}, code="invalid")
    if project.invitations.filter(
        partner=partner, status=ProjectInvitation.Status.PENDING
    ).exists():
        raise _open_invitation_error(partner)
    _count_invitation(by)
    return _invite(project=project, partner=partner, by=by, message=message)


def _require_manager(user, project: CollaborationProject) -> None:
    # projects.py invites through this module: imported here, not at the top, to break the cycle.
    from .projects import project_require_manager

    project_require_manager(user=user, project=project)


def _lock(invitation: ProjectInvitation) -> ProjectInvitation:
    """The invitation's row, locked: of two answers at once the second waits and then finds it
    answered."""
    return (
        ProjectInvitation.objects.select_for_update(of=("self",))
        .select_related("project", "partner", "invited_by")
        .get(pk=invitation.pk)
    )


def project_answer_refusal(invitation: ProjectInvitation, user):
    """Why `user` may not accept or decline `invitation` (a message for them), or None."""
    if can_answer_project_invitation(user, invitation):
        return None
    if invitation.partner.is_suspended:
        return _suspended_message(invitation.partner)
    return _interpolate(
        _("Only the owners of %(name)s accept or decline this invitation."),
        name=invitation.partner.name,
    )


def _decide(invitation: ProjectInvitation, *, by, status: str) -> ProjectInvitation:
    invitation = _lock(invitation)
    refusal = project_answer_refusal(invitation, by)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if not invitation.is_pending:
        raise _answered()
    invitation.status = status
    invitation.decided_by = by
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at"])
    return invitation


def _tell_the_inviters(invitation: ProjectInvitation, *, kind: str, title) -> None:
    """The inviter hears of the answer; when they are gone, the project's managers (owners of
    its other partners) do."""
    recipients = [invitation.invited_by] if invitation.invited_by_id else []
    if not recipients or not invitation.invited_by.is_active:
        recipients = [
            membership.user
            for membership in Membership.objects.filter(
                partner__projects=invitation.project,
                role=Membership.Role.OWNER,
                user__is_active=True,
            )
            .exclude(partner=invitation.partner)
            .select_related("user")
        ]
    notification_send(
        recipients=[user for user in recipients if user.pk != invitation.decided_by_id],
        kind=kind,
        title=title,
        url=invitation.project.get_absolute_url(),
        dedupe_key=f"{kind}:{invitation.pk}",
    )


@transaction.atomic
def project_invitation_accept(*, invitation: ProjectInvitation, by) -> ProjectInvitation:
    """An owner of the invited partner accepts: the partner is on the project, in the same
    transaction. PermissionDenied (with the reason) for anyone else, InvitationAnswered (a
    ValidationError) when it was answered or withdrawn already."""
    invitation = _decide(invitation, by=by, status=ProjectInvitation.Status.ACCEPTED)
    invitation.project.partners.add(invitation.partner)
    _tell_the_inviters(
        invitation,
        kind="partners.project_invitation_accepted",
        title=_interpolate(
            _("%(partner)s joined the collaboration project “%(project)s”"),
            partner=invitation.partner.name,
            project=invitation.project.title,
        ),
    )
    return invitation


@transaction.atomic
def project_invitation_decline(*, invitation: ProjectInvitation, by) -> ProjectInvitation:
    """An owner of the invited partner declines; the same refusals as accepting."""
    invitation = _decide(invitation, by=by, status=ProjectInvitation.Status.DECLINED)
    _tell_the_inviters(
        invitation,
        kind="partners.project_invitation_declined",
        title=_interpolate(
            _("%(partner)s declined to join the collaboration project “%(project)s”"),
            partner=invitation.partner.name,
            project=invitation.project.title,
        ),
    )
    return invitation


@transaction.atomic
def project_invitation_withdraw(*, invitation: ProjectInvitation, by) -> ProjectInvitation:
    """A manager of the project takes an open invitation back. PermissionDenied for anyone
    else, InvitationAnswered when it was answered already."""
    invitation = _lock(invitation)
    _require_manager(by, invitation.project)
    if not invitation.is_pending:
        raise _answered()
    invitation.status = ProjectInvitation.Status.WITHDRAWN
    invitation.decided_by = by
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at"])
    # The owners who were asked are told, so no one keeps planning to answer.
    notification_send(
        recipients=_owners(invitation.partner),
        kind="partners.project_invitation_withdrawn",
        title=_interpolate(
            _(
                "The invitation of %(partner)s to the collaboration project “%(project)s” was withdrawn"
            ),
            partner=invitation.partner.name,
            project=invitation.project.title,
        ),
        # Their dashboard: a private project's page is closed to them now.
        url=reverse("partners:manage", args=[invitation.partner.slug]),
        dedupe_key=f"partners.project_invitation_withdrawn:{invitation.pk}",
    )
    return invitation
