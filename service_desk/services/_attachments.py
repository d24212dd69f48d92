"""A message's attachments: their rows saved in the transaction, their files written after it
commits (cocreate.core.uploads.save_with_file_after_commit)."""

from cocreate.core.uploads import save_with_file_after_commit

from ..models import TicketAttachment


def _save_attachments(ticket, message, uploader, validated) -> list[TicketAttachment]:
    """Record the attachments now; their files are written once the transaction commits, so a
    rollback (the service's own, or a caller's around several services) leaves no file behind."""
    saved = []
    for upload, content_type in validated:
        attachment = TicketAttachment(
            ticket=ticket,
            message=message,
            uploaded_by=uploader,
            filename=upload.name.rsplit("/", 1)[-1][:200],
            content_type=content_type,
            size=upload.size,
        )
        save_with_file_after_commit(attachment, upload, filename=attachment.filename)
        saved.append(attachment)
    return saved
