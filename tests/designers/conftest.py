import pytest


@pytest.fixture
def surfacing_settings(settings):
    """Small numbers so a handful of votes surfaces a post."""
    settings.DESIGNERS_SURFACE_THRESHOLD = 1000.0
    settings.DESIGNERS_SURFACE_TOP_N = 0
    settings.DESIGNERS_SURFACE_MILESTONES = (3,)
    return settings
