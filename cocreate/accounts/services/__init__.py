"""Accounts' writes: sign-up, e-mail verification and roles, data exports, account deletion, the audit log."""

from .accounts import (
    EmailNotVerified,
    role_grant,
    user_create_unclaimed,
    user_email_verify,
    user_roles_sync,
    user_sessions_end_others,
    user_sign_up,
    verified_email_check,
)
from .audit import audit_record
from .data_export import (
    DataExportLinkGone,
    data_export_build,
    data_export_claim,
    data_export_request,
    data_exports_purge,
)
from .erasure import account_delete

__all__ = [
    "DataExportLinkGone",
    "EmailNotVerified",
    "account_delete",
    "audit_record",
    "data_export_build",
    "data_export_claim",
    "data_export_request",
    "data_exports_purge",
    "role_grant",
    "user_create_unclaimed",
    "user_email_verify",
    "user_roles_sync",
    "user_sessions_end_others",
    "user_sign_up",
    "verified_email_check",
]
