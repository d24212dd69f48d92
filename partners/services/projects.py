"""Collaboration projects: who may start and change them, and their creation with a free slug."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from cocreate.core.markup import render_markdown

from ..models import CollaborationProject, Membership, Partner, ProjectInvitation
from ..permissions import acting_ownerships, can_create_project, can_manage_project
from ._common import _suspended_message, _unique_slug, _violated_constraint

# A slug computed from a title can be taken by a twin saved in the same instant: try again.
PROJECT_SLUG_ATTEMPTS = 5


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
        if not partners:
            raise ValidationError({"partners": _("A project needs at least one partner.")})
        return
    owned = set(acting_ownerships(user).values_list("partner_id", flat=True))
    if not owned & {partner.pk for partner in partners}:
        raise ValidationError(
            {"partners": _("Include at least one organisation you own.")}, code="not_owner"
        )


def _check_invitable(project, partners) -> None:
    """Every partner to invite may be (active, not on the project): ValidationError naming
    each one that may not."""
    from .project_invitations import project_invite_refusal

    refusals = [
        refusal
        for partner in partners
        if (refusal := project_invite_refusal(project=project, partner=partner)) is not None
    ]
    if refusals:
        raise ValidationError({"partners": refusals}, code="invalid")


def _invite_new(project, partners, *, by) -> list:
    """Invite each of `partners` not invited yet (an open invitation stays as it is); each
    counts against `by`'s invitations an hour (RateLimited past it)."""
    from .project_invitations import _count_invitation, _invite

    invited = set(
        project.invitations.filter(status=ProjectInvitation.Status.PENDING).values_list(
            "partner_id", flat=True
        )
    )
    new = [partner for partner in partners if partner.pk not in invited]
    for _partner in new:
        _count_invitation(by)
    return [_invite(project=project, partner=partner, by=by) for partner in new]


def _save_project(project, *, products) -> CollaborationProject:
    project.description_html = render_markdown(project.description)
    project.outcomes_html = render_markdown(project.outcomes)
    # The slug is ours (computed on create, never changed): its uniqueness is the constraint's.
    project.full_clean(exclude=["slug"])
    project.save()
    project.products.set(products)
    return project


def _joining_at_once(user, partners) -> tuple[list, list]:
    """`partners` split into those `user` owns (not suspended), who join at once (their owner
    consents by choosing them), and the others, who are invited."""
    if not user.is_authenticated:
        return [], list(partners)
    owned = set(acting_ownerships(user).values_list("partner_id", flat=True))
    return (
        [partner for partner in partners if partner.pk in owned],
        [partner for partner in partners if partner.pk not in owned],
    )


@transaction.atomic
def project_create(*, created_by, partners, products=(), **fields) -> CollaborationProject:
    """Create a project with a slug from its title. The partners `created_by` owns join at once;
    every other one chosen is invited and joins when one of its owners accepts
    (project_invitations). Non-staff must own one of the partners, not a suspended one
    (ValidationError otherwise); staff may start a project that no partner accepted yet.

    The slug is checked free and then inserted; a twin saved in between makes the insert fail
    on the unique slug, and the next free slug is tried (PROJECT_SLUG_ATTEMPTS times).
    """
    _check_project_partners(user=created_by, partners=partners)
    joining, invited = _joining_at_once(created_by, partners)
    _check_invitable(CollaborationProject(), invited)
    for _attempt in range(PROJECT_SLUG_ATTEMPTS):
        project = CollaborationProject(created_by=created_by, **fields)
        project.slug = _unique_slug(CollaborationProject, project.title, fallback="project")
        try:
            with transaction.atomic():
                _save_project(project, products=products)
        except IntegrityError as error:
            if "slug" not in _violated_constraint(error):
                raise
        else:
            project.partners.set(joining)
            _invite_new(project, invited, by=created_by)
            return project
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
    (ValidationError), so no one edits themselves out.

    `partners` is the list the editor wants: partners on the project and left out are removed;
    partners not on it are invited (never added: they join when one of their owners accepts).
    """
    project_require_manager(user=by, project=project)
    # Not project.partners.all(): a caller's prefetch may hold only the active ones.
    current = list(Partner.objects.filter(projects=project))
    current_ids = {partner.pk for partner in current}
    wanted_ids = {partner.pk for partner in partners}
    staying = [partner for partner in current if partner.pk in wanted_ids]
    added = [partner for partner in partners if partner.pk not in current_ids]
    if not by.is_staff:
        # The editor must still own a partner that stays: one they invite is not on it yet.
        _check_project_partners(user=by, partners=staying)
    elif (
        not partners
        and not project.invitations.filter(status=ProjectInvitation.Status.PENDING).exists()
    ):
        # A project staff started may have no accepted partner yet, only invitations.
        raise ValidationError({"partners": _("A project needs at least one partner.")})
    _check_invitable(project, added)
    for name, value in fields.items():
        setattr(project, name, value)
    _save_project(project, products=products)
    removed = [partner for partner in current if partner.pk not in wanted_ids]
    if removed:
        project.partners.remove(*removed)
    _invite_new(project, added, by=by)
    return project
