"""System checks of where the private files are kept."""

from django.core.checks import Error, register
from django.core.files.storage import storages

from cocreate.core.object_storage import PRIVATE_FOLDERS


@register()
def private_files_stay_private_in_object_storage(app_configs=None, **kwargs):
    """The private storages in a bucket (STORAGES written by hand, not from STORAGE_S3_*): their
    objects must not be public-read nor in the public bucket, and any URL made for one signed."""
    public_bucket = getattr(storages["default"], "bucket_name", None)
    errors = []
    for alias in PRIVATE_FOLDERS:
        storage = storages[alias]
        bucket = getattr(storage, "bucket_name", None)
        if bucket is None:  # on the file system: service_desk.E001 checks the folders
            continue
        acl = storage.default_acl or ""
        if acl.startswith("public") or not storage.querystring_auth or bucket == public_bucket:
            errors.append(
                Error(
                    f'STORAGES["{alias}"] would publish private files.',
                    hint="Keep private files in a bucket of their own, with the 'private' ACL "
                    "and signed URLs (querystring_auth): set STORAGE_S3_PRIVATE_BUCKET rather "
                    "than STORAGES (README, 'Uploaded files').",
                    id="core.E001",
                )
            )
    return errors
