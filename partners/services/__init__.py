"""Every write of the partner directory that carries a rule, one function each.

One module per section: applications, the partner's profile, memberships (and invitations), its
catalog listing (supplies and provisions) and collaboration projects; what several share is in
_common. Callers import from here, `services.application_approve`.
"""

from .applications import (
    AlreadyDecided,
    application_approve,
    application_reject,
    application_submit,
    partner_name_taken,
)
from .catalog import catalog_remove, provision_add, supply_add
from .memberships import (
    INVITATION_VALID_FOR,
    invitation_accept,
    invitation_addressed_to,
    invitation_create,
    invitation_refusal,
    invitation_revoke,
    invitation_validate,
    membership_of,
    membership_remove,
    membership_save,
)
from .profile import PARTNER_EDITABLE_FIELDS, partner_update
from .project_invitations import (
    PROJECT_INVITE_RATE,
    InvitationAnswered,
    project_answer_refusal,
    project_invitation_accept,
    project_invitation_decline,
    project_invitation_url,
    project_invitation_withdraw,
    project_invite,
    project_invite_refusal,
)
from .project_work import (
    UPDATE_MAX_LENGTH,
    NotOnProject,
    ProjectClosed,
    milestone_add,
    milestone_change,
    milestone_reminder_send,
    milestones_remind_due,
    project_audience,
    project_file_share,
    project_require_worker,
    project_update_post,
    project_update_validate,
    project_work_rate_limit_hit,
)
from .projects import (
    PROJECT_SLUG_ATTEMPTS,
    project_create,
    project_require_creator,
    project_require_manager,
    project_update,
)

__all__ = [
    "INVITATION_VALID_FOR",
    "PARTNER_EDITABLE_FIELDS",
    "PROJECT_INVITE_RATE",
    "PROJECT_SLUG_ATTEMPTS",
    "UPDATE_MAX_LENGTH",
    "AlreadyDecided",
    "ProjectClosed",
    "InvitationAnswered",
    "application_approve",
    "application_reject",
    "application_submit",
    "catalog_remove",
    "invitation_accept",
    "invitation_addressed_to",
    "invitation_create",
    "invitation_refusal",
    "invitation_revoke",
    "invitation_validate",
    "membership_of",
    "membership_remove",
    "membership_save",
    "milestone_add",
    "milestone_change",
    "milestone_reminder_send",
    "milestones_remind_due",
    "partner_name_taken",
    "partner_update",
    "project_answer_refusal",
    "project_audience",
    "project_create",
    "project_file_share",
    "project_invitation_accept",
    "project_invitation_decline",
    "project_invitation_url",
    "project_invitation_withdraw",
    "project_invite",
    "project_invite_refusal",
    "project_require_creator",
    "project_require_manager",
    "project_require_worker",
    "project_update",
    "project_update_post",
    "project_update_validate",
    "project_work_rate_limit_hit",
    "NotOnProject",
    "provision_add",
    "supply_add",
]
