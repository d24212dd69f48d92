"""System checks of the designers' settings."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def renamed_milestone_setting(app_configs=None, **kwargs):
    """DESIGNERS_SURFACE_MILESTONE (one number) became DESIGNERS_SURFACE_MILESTONES (a ladder):
    a deployment still setting the old name would otherwise get the defaults without a word."""
    if not hasattr(settings, "DESIGNERS_SURFACE_MILESTONE"):
        return []
    return [
        Warning(
            "DESIGNERS_SURFACE_MILESTONE is no longer read.",
            hint="Set DESIGNERS_SURFACE_MILESTONES, a tuple of supporter counts such as "
            "(50, 100, 250, 500, 1000) (docs/trending.md).",
            id="designers.W001",
        )
    ]
