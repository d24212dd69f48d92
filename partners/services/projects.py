"""Collaboration projects: who may start and change them, and their creation with a free slug."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from cocreate.core.markup import render_markdown

from ..models import CollaborationProject, Membership, Partner
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
