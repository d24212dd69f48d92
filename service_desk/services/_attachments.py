"""A message's attachments: their rows saved in the transaction, their files written after it
commits."""

import logging
from functools import partial

from django.db import transaction

from ..models import TicketAttachment, attachment_storage

logger = logging.getLogger(__name__)


def _save_attachments(ticket, message, uploader, validated) -> list[TicketAttachment]:
    """Record the attachments now; their files are written once the transaction commits.

    Written at once, they would stay on disk when the transaction rolls back: the service's
    own, or a caller's around several services (a reply and a status change). Each stored name
    is unique before its file exists (attachment_path), so no row ever points at another file.
    """
    saved = []
    file_field = TicketAttachment._meta.get_field("file")
    for upload, content_type in validated:
        attachment = TicketAttachment(
            ticket=ticket,
            message=message,
            uploaded_by=uploader,
            filename=upload.name.rsplit("/", 1)[-1][:200],
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.name = attachment_storage.get_available_name(
            file_field.generate_filename(attachment, attachment.filename),
            max_length=file_field.max_length,
        )
        attachment.save()
        transaction.on_commit(
            partial(_write_attachment, attachment.pk, attachment.file.name, upload)
        )
        saved.append(attachment)
    return saved


def _write_attachment(pk: int, name: str, upload) -> None:
    """After the commit: write the file; if that fails, the attachment goes rather than dangle."""
    try:
        stored = attachment_storage.save(
            name, upload, max_length=TicketAttachment._meta.get_field("file").max_length
        )
    except (OSError, ValueError):  # disk full, permissions, the upload already closed
        logger.exception("Attachment %s could not be written; it was removed.", pk)
        TicketAttachment.objects.filter(pk=pk).delete()
        return
    if stored != name:
        TicketAttachment.objects.filter(pk=pk).update(file=stored)
