"""The personal-data audit log: one row per export, download, deletion and anonymisation."""

from ..models import AuditLogEntry


def audit_record(*, action: str, subject, actor=None, detail: str = "") -> AuditLogEntry:
    """Write who (`actor`; None: a periodic job) did `action` with `subject`'s data, in the
    caller's transaction."""
    return AuditLogEntry.objects.create(
        action=action, subject=subject, actor=actor, detail=detail[:300]
    )
