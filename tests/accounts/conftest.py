import pytest


@pytest.fixture
def private_files(settings, tmp_path):
    """Data exports and ticket attachments go to throw-away folders, outside MEDIA_ROOT as in
    production; returns the exports' folder."""
    settings.ACCOUNTS_DATA_EXPORT_ROOT = tmp_path / "data-exports"
    settings.SERVICE_DESK_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "data_exports": {
            **settings.STORAGES["data_exports"],
            "OPTIONS": {"location": settings.ACCOUNTS_DATA_EXPORT_ROOT},
        },
        "attachments": {
            **settings.STORAGES["attachments"],
            "OPTIONS": {"location": settings.SERVICE_DESK_ATTACHMENT_ROOT},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.ACCOUNTS_DATA_EXPORT_ROOT
