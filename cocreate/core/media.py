"""Private directories: /media/ never serves a file in one, even one put under MEDIA_ROOT.

An app that keeps private files registers the setting that names their directory from its
AppConfig.ready() (the service desk: SERVICE_DESK_ATTACHMENT_ROOT), so the ground floor need not
know which apps keep them.

With object storage (the STORAGE_S3_* settings) the directories keep nothing and /media/ reads
no disk: public uploads are in the public bucket and private files in the private one.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

_private_root_settings: list[str] = []


def register_private_root(setting: str) -> None:
    """Keep /media/ from serving the directory named by the setting `setting`."""
    if setting not in _private_root_settings:
        _private_root_settings.append(setting)


def private_roots() -> list[Path]:
    """The registered private directories, resolved; read from the settings on each call."""
    return [Path(getattr(settings, setting)).resolve() for setting in _private_root_settings]


def public_uploads_on_disk() -> bool:
    """Whether public uploads are files under MEDIA_ROOT (the default storage on the file
    system), not objects in a bucket."""
    return isinstance(storages["default"], FileSystemStorage)


def private_directories(setting: str, alias: str) -> dict[str, Path]:
    """The directory /media/ refuses (named by `setting`) and, on disk, the one the storage
    `alias` writes to; settings.py roots the storage in the first. Another backend (a bucket)
    keeps the files off this disk."""
    directories = {setting: Path(getattr(settings, setting))}
    storage = storages[alias]
    if isinstance(storage, FileSystemStorage):
        directories[f'STORAGES["{alias}"]'] = Path(storage.location)
    return directories


def overlapping_media_root(directories: dict[str, Path]) -> str | None:
    """The name of the first of `directories` that overlaps MEDIA_ROOT (a proxy serving /media/
    would publish it), or None. With public uploads in object storage nothing serves MEDIA_ROOT.

    Apps' system checks ask it for their private directories (service_desk.E001, partners.E001).
    """
    if not public_uploads_on_disk():
        return None
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for name, directory in directories.items():
        private_root = directory.resolve()
        if private_root.is_relative_to(media_root) or media_root.is_relative_to(private_root):
            return name
    return None


class PrivateStorage(LazyObject):
    """storages[alias] (settings.STORAGES), looked up on first use and again after STORAGES
    changes (a test's `settings.STORAGES = ...`), as Django's own default_storage does.

    A FileField calls its storage callable once, when the model is defined, and keeps what it
    returns: a model keeping private files gives it one of these stand-ins.
    """

    def __init__(self, alias: str):
        # LazyObject sends every other attribute to the wrapped storage.
        self.__dict__["alias"] = alias
        super().__init__()
        _private_storages.append(self)

    def _setup(self):
        self._wrapped = storages[self.alias]


_private_storages: list[PrivateStorage] = []


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        for storage in _private_storages:
            storage._wrapped = empty
