"""The partner directory (directory.py) and the collaboration projects (projects.py)."""

from .directory import (
    RESERVED_SLUGS,
    Application,
    Invitation,
    Membership,
    Partner,
    PartnerKind,
    PartnerQuerySet,
    Provision,
    Supply,
    validate_area_code,
    validate_partner_slug,
)
from .projects import (
    CollaborationProject,
    Milestone,
    ProjectFile,
    ProjectInvitation,
    ProjectUpdate,
    _project_file_storage,
    project_file_path,
    project_file_storage,
)

__all__ = [
    "RESERVED_SLUGS",
    "Application",
    "CollaborationProject",
    "Invitation",
    "Membership",
    "Milestone",
    "Partner",
    "PartnerKind",
    "PartnerQuerySet",
    "ProjectFile",
    "ProjectInvitation",
    "ProjectUpdate",
    "Provision",
    "Supply",
    "_project_file_storage",
    "project_file_path",
    "project_file_storage",
    "validate_area_code",
    "validate_partner_slug",
]
