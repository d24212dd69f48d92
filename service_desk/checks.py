"""System checks for where the service desk keeps its files."""

from django.core.checks import Error, register

from cocreate.core.media import overlapping_media_root, private_directories


@register()
def attachments_outside_media(app_configs=None, **kwargs):
    """Ticket attachments must not sit under MEDIA_ROOT: a proxy serving /media/ would publish them."""
    name = overlapping_media_root(
        private_directories("SERVICE_DESK_ATTACHMENT_ROOT", "attachments")
    )
    if name is None:
        return []
    return [
        Error(
            f"{name} and MEDIA_ROOT overlap.",
            hint="Keep ticket attachments in a directory outside MEDIA_ROOT (README, "
            "'Uploaded files'): everything under MEDIA_ROOT is public.",
            id="service_desk.E001",
        )
    ]
