"""System checks for where the service desk keeps its files."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def attachments_outside_media(app_configs=None, **kwargs):
    """Ticket attachments must not sit under MEDIA_ROOT: a proxy serving /media/ would publish them."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    private_root = Path(settings.SERVICE_DESK_ATTACHMENT_ROOT).resolve()
    if private_root.is_relative_to(media_root) or media_root.is_relative_to(private_root):
        return [
            Error(
                "SERVICE_DESK_ATTACHMENT_ROOT and MEDIA_ROOT overlap.",
                hint="Keep ticket attachments in a directory outside MEDIA_ROOT (README, "
                "'Uploaded files'): everything under MEDIA_ROOT is public.",
                id="service_desk.E001",
            )
        ]
    return []
