"""System checks for where collaboration projects keep their shared files."""

from django.core.checks import Error, register

from cocreate.core.media import overlapping_media_root, private_directories


@register()
def project_files_outside_media(app_configs=None, **kwargs):
    """Project files must not sit under MEDIA_ROOT: a proxy serving /media/ would publish them."""
    name = overlapping_media_root(
        private_directories("PARTNERS_PROJECT_FILE_ROOT", "project_files")
    )
    if name is None:
        return []
    return [
        Error(
            f"{name} and MEDIA_ROOT overlap.",
            hint="Keep project files in a directory outside MEDIA_ROOT (README, 'Uploaded "
            "files'): everything under MEDIA_ROOT is public.",
            id="partners.E001",
        )
    ]
