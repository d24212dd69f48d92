"""Who may do what with partners: their members keep their organisation's profile, the owners
of a partner that is not suspended (and staff) run collaboration projects, and the members of
the partners on a project (and staff) work in it."""

from django.db.models import QuerySet

from .models import CollaborationProject, Membership, Partner, ProjectInvitation


def is_partner_member(user) -> bool:
    """Holds the partner member role: keeps their organisation's profile (/partners/mine/)."""
    return bool(user and user.is_authenticated and user.is_partner_member)


def acting_ownerships(user) -> QuerySet[Membership]:
    """`user`'s owner memberships they may act through: a suspended partner's owners may not."""
    return Membership.objects.filter(user=user, role=Membership.Role.OWNER).exclude(
        partner__status=Partner.Status.SUSPENDED
    )


def can_create_project(user) -> bool:
    """Staff, and the owners of a partner that is not suspended, start projects."""
    if not user.is_authenticated:
        return False
    return user.is_staff or acting_ownerships(user).exists()


def can_manage_project(user, project: CollaborationProject) -> bool:
    """Staff, and the owners of any partner in the project that is not suspended, manage it."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return acting_ownerships(user).filter(partner__projects=project).exists()


def project_memberships(user, project: CollaborationProject) -> QuerySet[Membership]:
    """`user`'s memberships of the partners on `project` (accepted ones: an invited partner is
    not on it yet) that are not suspended: the organisations they work in the project for."""
    return Membership.objects.filter(user=user, partner__projects=project).exclude(
        partner__status=Partner.Status.SUSPENDED
    )


def can_work_in_project(user, project: CollaborationProject) -> bool:
    """Staff, and the members of the project's partners, read and add to its work (updates,
    milestones, files). An invited partner's members do not until an owner accepts."""
    if not user.is_authenticated:
        return False
    return user.is_staff or project_memberships(user, project).exists()


def can_read_project(user, project: CollaborationProject) -> bool:
    """Everyone reads a public project's summary, description and outcomes; a private one only
    staff and the members of the partners on it (accepted ones, whatever their status)."""
    if project.is_public:
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or Membership.objects.filter(user=user, partner__projects=project).exists()


def can_see_project_invitation(user, invitation: ProjectInvitation) -> bool:
    """Staff and the project's managers see an invitation; the invited partner's owners while
    it waits for their answer, or once they may read the project anyway (a public one, or
    theirs after accepting): an answered invitation must not keep a private project's summary
    open to them. For anyone else it does not exist (404)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or can_manage_project(user, invitation.project):
        return True
    is_owner = Membership.objects.filter(
        user=user, partner_id=invitation.partner_id, role=Membership.Role.OWNER
    ).exists()
    return is_owner and (invitation.is_pending or can_read_project(user, invitation.project))


def can_answer_project_invitation(user, invitation: ProjectInvitation) -> bool:
    """The owners of the invited partner, unless it is suspended, accept or decline."""
    if not user.is_authenticated:
        return False
    return acting_ownerships(user).filter(partner_id=invitation.partner_id).exists()
