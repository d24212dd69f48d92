"""The partner directory's part of a person's data (cocreate/accounts/personal_data.py): their
memberships. Deletion ends them, but never leaves an organisation without an owner: the last
owner hands it over first (`last_owner_refusal`, an erasure check).

A second part, "projects": the updates they posted and the files they shared in collaboration
projects (and the files themselves). Deletion keeps them, as the project's record: their author
becomes empty (SET_NULL) and pages say "Former member".
"""

from django.utils.translation import gettext as _

from .models import Membership, ProjectFile, ProjectUpdate


def export(user) -> list[dict]:
    return [
        {
            "partner": membership.partner.name,
            "role": membership.role,
            "since": membership.created_at,
        }
        for membership in Membership.objects.filter(user=user).select_related("partner")
    ]


def erase(user) -> None:
    Membership.objects.filter(user=user).delete()


def last_owner_refusal(user) -> str | None:
    """Why `user` may not go yet: the organisations they are the only owner of. Their owner rows
    are locked (in id order, as membership_remove does), so no owner leaves meanwhile."""
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).values("partner_id")
    owners = list(
        Membership.objects.select_for_update()
        .filter(partner_id__in=owned, role=Membership.Role.OWNER)
        .select_related("partner")
        .order_by("pk")
    )
    alone = sorted(
        {
            owner.partner.name
            for owner in owners
            if sum(other.partner_id == owner.partner_id for other in owners) == 1
        }
    )
    if not alone:
        return None
    return _(
        "You are the last owner of %(partners)s. Invite another person as an owner and wait "
        "until they accept, then delete your account."
    ) % {"partners": ", ".join(alone)}


def projects_export(user) -> dict:
    updates = (
        ProjectUpdate.objects.filter(author=user).select_related("project").order_by("created_at")
    )
    return {
        "updates": [
            {
                "project": update.project.title,
                "language": update.language,
                "body": update.body,
                "posted": update.created_at,
            }
            for update in updates
        ],
        "files": [
            {
                "project": shared.project.title,
                "filename": shared.filename,
                "description": shared.description,
                "size": shared.size,
                "shared": shared.created_at,
            }
            for shared in _their_files(user)
        ],
    }


def _their_files(user):
    return ProjectFile.objects.filter(uploaded_by=user).select_related("project").order_by("pk")


def project_files(user):
    """The files they shared, as `<project>/<id>-<name>` in the export's files/projects/."""
    for shared in _their_files(user):
        yield f"{shared.project.slug}/{shared.pk}-{shared.filename}", shared.file
