"""The directory's pages, one module per part of the site (docs/design.md, "Inside an app")."""

from .applications import application_queue, application_review, apply
from .demand import demand_csv, manage_demand
from .directory import directory, partner_detail
from .organisation import (
    catalog_remove,
    invitation,
    invitation_revoke,
    manage_catalog,
    manage_members,
    manage_profile,
    member_remove,
    mine,
    organisation_dashboard,
)
from .project_work import (
    project_file,
    project_file_share,
    project_milestone_add,
    project_milestone_change,
    project_update_post,
)
from .projects import (
    project_create,
    project_detail,
    project_edit,
    project_invitation,
    project_invitation_withdraw,
    project_invite,
    project_list,
)

__all__ = [
    "application_queue",
    "application_review",
    "apply",
    "catalog_remove",
    "directory",
    "invitation",
    "invitation_revoke",
    "manage_catalog",
    "manage_demand",
    "demand_csv",
    "manage_members",
    "manage_profile",
    "member_remove",
    "mine",
    "organisation_dashboard",
    "partner_detail",
    "project_create",
    "project_detail",
    "project_edit",
    "project_file",
    "project_file_share",
    "project_invitation",
    "project_invitation_withdraw",
    "project_invite",
    "project_list",
    "project_milestone_add",
    "project_milestone_change",
    "project_update_post",
]
