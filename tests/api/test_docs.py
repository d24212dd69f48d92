"""docs/api.md stays true: its paths exist and its signature snippet accepts our signatures.
The other notes (docs/*.md, README.md) name only API paths that exist too."""

import re
import time
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from cocreate.webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "api.md").read_text()
NOTES = {
    path.relative_to(ROOT).as_posix(): path.read_text()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
}


def _snippet():
    section = DOC.split("### Verifying a signature", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace = {}
    exec(code, namespace)  # the reader copies exactly this
    return namespace["is_from_cocreate"]


def test_the_documented_check_accepts_a_real_signature_and_refuses_tampering():
    is_from_cocreate = _snippet()
    body, secret, now = b'{"id":"1","event":"ticket.created","data":{}}', "s3cret", int(time.time())
    headers = {
        TIMESTAMP_HEADER: str(now),
        SIGNATURE_HEADER: signature(secret=secret, timestamp=now, body=body),
    }

    assert is_from_cocreate(secret, headers, body)
    assert not is_from_cocreate(secret, headers, body.replace(b"1", b"2"))
    assert not is_from_cocreate("another secret", headers, body)
    old = now - 3600
    stale = {
        TIMESTAMP_HEADER: str(old),
        SIGNATURE_HEADER: signature(secret=secret, timestamp=old, body=body),
    }
    assert not is_from_cocreate(secret, stale, body)


API_PATH = r"/api/v1/[A-Za-z0-9_./<>{}-]*"


def _resolves(path: str) -> bool:
    concrete = re.sub(r"<[^>]+>|\{[^}]+\}", "1", path)  # an id or a slug
    try:
        resolve(concrete)
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize("path", sorted(set(re.findall(API_PATH, DOC))))
def test_every_documented_api_path_exists(path):
    if not _resolves(path):
        pytest.fail(f"{path} in docs/api.md does not resolve")


@pytest.mark.parametrize(
    ("note", "path"),
    sorted(
        {(name, path) for name, text in NOTES.items() for path in re.findall(API_PATH, text)}
        - {("docs/api.md", path) for path in re.findall(API_PATH, DOC)}
    ),
)
def test_every_api_path_in_the_other_notes_exists(note, path):
    if not _resolves(path):
        pytest.fail(f"{path} in {note} does not resolve")
