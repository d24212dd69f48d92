"""System checks for where the service desk keeps its files."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register
from django.core.files.storage import FileSystemStorage, storages

from cocreate.core.media import public_uploads_on_disk


def _attachment_directories() -> dict[str, Path]:
    """The directory /media/ refuses and, on disk, the one the attachments' storage writes to;
    settings.py roots the storage in the first."""
    directories = {"SERVICE_DESK_ATTACHMENT_ROOT": Path(settings.SERVICE_DESK_ATTACHMENT_ROOT)}
    storage = storages["attachments"]
    if isinstance(storage, FileSystemStorage):  # another backend keeps them off this disk
        directories['STORAGES["attachments"]'] = Path(storage.location)
    return directories


@register()
def attachments_outside_media(app_configs=None, **kwargs):
    """Ticket attachments must not sit under MEDIA_ROOT: a proxy serving /media/ would publish them.

    With public uploads in object storage nothing serves MEDIA_ROOT, and the storages need not
    have a folder (`.location`) at all."""
    if not public_uploads_on_disk():
        return []
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for name, directory in _attachment_directories().items():
        private_root = directory.resolve()
        if private_root.is_relative_to(media_root) or media_root.is_relative_to(private_root):
            return [
                Error(
                    f"{name} and MEDIA_ROOT overlap.",
                    hint="Keep ticket attachments in a directory outside MEDIA_ROOT (README, "
                    "'Uploaded files'): everything under MEDIA_ROOT is public.",
                    id="service_desk.E001",
                )
            ]
    return []
