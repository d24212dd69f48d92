"""A real S3-compatible server for tests: moto's standalone server (`moto[server]`, the extra
`dev`) on a free port of 127.0.0.1, started once per session, with a public and a private bucket.

It speaks S3 over HTTP, so django-storages and boto3 sign and send real requests to it, and it
keeps to object ACLs: a plain GET without a signature reads a public-read object and is refused
(403) a private one. The helpers (`keys`, `read`, `anonymous_get`) speak plain boto3 and urllib,
not the code under test. The `s3` fixture (tests/conftest.py) points settings.STORAGES at fresh
buckets of it as settings.py would with the STORAGE_S3_* settings.
"""

import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3

from cocreate.core.object_storage import S3Settings
from tests.broker import free_port
from tests.processes import ChildServer
from tests.waiting import wait_until

START_TIMEOUT = 60  # seconds: generous, the machine may be busy
REGION = "us-east-1"


class ObjectStore(ChildServer):
    """The server as a child of the test process, its log in a throwaway folder."""

    host = "127.0.0.1"

    def __init__(self, directory: Path):
        self.port = free_port()
        self.endpoint_url = f"http://{self.host}:{self.port}"
        self.log = directory / "moto.log"
        self.process = None
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id="test-access",
            aws_secret_access_key="test-secret",
            region_name=REGION,
        )

    def start(self):
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
            )

        def serving() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"moto's server exited:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=2):
                    return True
            except OSError:
                return False

        wait_until(serving, timeout=START_TIMEOUT, message=self.log_text)

    def new_buckets(self) -> S3Settings:
        """A fresh public and private bucket, as STORAGE_S3_* settings naming them."""
        suffix = uuid.uuid4().hex[:12]
        settings = S3Settings(
            endpoint_url=self.endpoint_url,
            public_bucket=f"cc-public-{suffix}",
            private_bucket=f"cc-private-{suffix}",
            access_key="test-access",
            secret_key="test-secret",
            region=REGION,
        )
        for bucket in (settings.public_bucket, settings.private_bucket):
            self.client.create_bucket(Bucket=bucket)
        return settings

    def keys(self, bucket: str) -> list[str]:
        answer = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def anonymous_get(self, url: str) -> tuple[int, bytes]:
        """A plain HTTP GET of `url`, no signature: the status and the body."""
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as refusal:
            return refusal.code, refusal.read()

    def object_url(self, bucket: str, key: str) -> str:
        return f"{self.endpoint_url}/{bucket}/{key}"


@contextmanager
def running_object_store():
    """A started `ObjectStore`, stopped and its folder removed when done."""
    with tempfile.TemporaryDirectory(prefix="cocreate-s3-") as directory:
        server = ObjectStore(Path(directory))
        try:
            server.start()
            yield server
        finally:
            server.stop()
