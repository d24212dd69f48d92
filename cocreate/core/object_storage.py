"""STORAGES for S3-compatible object storage (django-storages), so that every node reads the same
files: built by settings.py from the STORAGE_S3_* settings (README, "Uploaded files").

Public uploads (the default storage) go to the public bucket, readable by anyone, their URLs
from `storage.url()`. Private files (ticket attachments, data exports) go to the private bucket
under a folder each, never public-read: they are streamed through their permission-checked views
(FileResponse over `storage.open`), and any URL the storage makes for them is signed and short.

Imported by settings.py: Django itself is not set up yet, so nothing here may import it.
"""

from dataclasses import dataclass

S3_BACKEND = "storages.backends.s3.S3Storage"
# Seconds a signed URL to a private object lasts. No view hands one out (they stream), so this
# only bounds a URL made by mistake (`attachment.file.url` in a template, say).
PRIVATE_URL_SECONDS = 60
# Public uploads never change under one name (a new upload gets a new name).
PUBLIC_CACHE_CONTROL = "public, max-age=86400"
PRIVATE_FOLDERS = {
    "attachments": "ticket-attachments",
    "data_exports": "data-exports",
    "project_files": "project-files",
}


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: str  # empty: AWS itself, found from the region
    public_bucket: str
    private_bucket: str
    access_key: str  # empty: boto3's own lookup (environment, instance role)
    secret_key: str
    region: str
    public_acl: str = "public-read"  # empty: the bucket's policy makes objects public

    @property
    def configured(self) -> bool:
        return bool(self.public_bucket or self.private_bucket)


class ObjectStorageMisconfigured(ValueError):
    pass


def _options(s3: S3Settings, *, bucket: str) -> dict:
    options = {
        "bucket_name": bucket,
        "region_name": s3.region or None,
        "endpoint_url": s3.endpoint_url or None,
        "access_key": s3.access_key or None,
        "secret_key": s3.secret_key or None,
        "signature_version": "s3v4",
        # Same name twice: a new name, as on the file system (never overwrite another's file).
        "file_overwrite": False,
    }
    if s3.endpoint_url:  # a server of one's own (MinIO, Ceph, Garage): buckets in the path
        options["addressing_style"] = "path"
    return options


def s3_storages(s3: S3Settings) -> dict[str, dict]:
    """The "default" entry of STORAGES for `s3`, and one per private storage (PRIVATE_FOLDERS)."""
    if not (s3.public_bucket and s3.private_bucket):
        raise ObjectStorageMisconfigured(
            "Set both STORAGE_S3_PUBLIC_BUCKET and STORAGE_S3_PRIVATE_BUCKET, or neither."
        )
    if s3.public_bucket == s3.private_bucket:
        raise ObjectStorageMisconfigured(
            "STORAGE_S3_PRIVATE_BUCKET must not be the public bucket: its files are private."
        )
    public = {
        **_options(s3, bucket=s3.public_bucket),
        "default_acl": s3.public_acl or None,
        "querystring_auth": False,
        "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
    }
    storages = {"default": {"BACKEND": S3_BACKEND, "OPTIONS": public}}
    for alias, folder in PRIVATE_FOLDERS.items():
        storages[alias] = {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **_options(s3, bucket=s3.private_bucket),
                "location": folder,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": PRIVATE_URL_SECONDS,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        }
    return storages
