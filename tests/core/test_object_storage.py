"""Files every node can read: with the STORAGE_S3_* settings, public uploads go to the public
bucket of an S3-compatible server and private files (ticket attachments, data exports) to the
private one, streamed only through their permission-checked views.

Against a real server speaking S3 over HTTP (moto's, tests/objectstore.py): what lands in which
bucket is read back with plain boto3, and what a stranger gets with a plain unsigned GET.
"""

import io
import os
import re
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.checks import run_checks
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from storages.backends.s3 import S3Storage

from cocreate.accounts import services as account_services
from cocreate.accounts.tasks import build_data_export
from cocreate.core.object_storage import (
    PRIVATE_URL_SECONDS,
    ObjectStorageMisconfigured,
    S3Settings,
    s3_storages,
)
from community.models import PostImage
from tests.community.post_forms import edit_form
from tests.factories.accounts import UserFactory, agent, customer
from tests.factories.community import PostFactory
from tests.factories.partners import PartnerFactory
from tests.factories.products import ProductFactory
from tests.factories.service_desk import file_ticket
from tests.images import image_upload, png_bytes

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PNG = png_bytes()


@pytest.fixture
def product():
    return ProductFactory(name="Aurora Router X2", slug="aurora-router-x2")


# --- Public uploads: the public bucket, URLs from storage.url() -------------------------------


def test_a_post_image_lands_in_the_public_bucket_and_the_page_links_to_it(
    client, s3, object_store, product
):
    author = customer(date_joined=timezone.now() - timedelta(days=365))
    post = PostFactory(product=product, author=author)
    client.force_login(author)

    response = client.post(
        reverse("community:post_edit", args=[product.slug, post.pk]),
        edit_form(post, images=image_upload("router.jpg")),
    )

    assert response.status_code == 302
    image = PostImage.objects.get(post=post)
    assert object_store.keys(s3.public_bucket) == [image.image.name]
    assert object_store.keys(s3.private_bucket) == []
    url = object_store.object_url(s3.public_bucket, image.image.name)
    assert image.image.url == url
    assert url in client.get(post.get_absolute_url()).content.decode()
    status, body = object_store.anonymous_get(url)  # anyone reads it, as a browser would
    assert status == 200
    assert body == object_store.read(s3.public_bucket, image.image.name)
    assert (image.width, image.height) == (40, 30)


def test_a_partner_logo_lands_in_the_public_bucket_and_a_replaced_one_is_deleted(
    client, s3, object_store, django_capture_on_commit_callbacks
):
    member = UserFactory()
    partner = PartnerFactory(name="Assembly Co", members=[member])
    client.force_login(member)
    form = {
        "kind": "oem",
        "country": "VN",
        "regions_served": ["DE"],
        "description": "We assemble phones.",
        "website": "https://assembly.example",
    }
    manage = reverse("partners:profile", args=[partner.slug])

    client.post(manage, {**form, "logo_upload": image_upload("logo.png", fmt="PNG")})

    partner.refresh_from_db()
    first = partner.logo.name
    assert first.startswith("partners/logos/")
    assert object_store.keys(s3.public_bucket) == [first]
    html = client.get(partner.get_absolute_url()).content.decode()
    assert object_store.object_url(s3.public_bucket, first) in html
    assert object_store.anonymous_get(partner.logo.url)[0] == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage, {**form, "logo_upload": image_upload("new.png", fmt="PNG")})

    partner.refresh_from_db()
    assert object_store.keys(s3.public_bucket) == [partner.logo.name] != [first]


def test_media_sends_an_old_address_on_to_the_public_bucket(client, s3, object_store):
    name = default_storage.save("partners/logos/acme.png", io.BytesIO(PNG))

    response = client.get(f"/media/{name}")

    assert response.status_code == 302
    assert response["Location"] == object_store.object_url(s3.public_bucket, name)


def test_media_refuses_what_no_public_upload_could_be_named(client, s3):
    assert client.get("/media/../private/x.png").status_code == 404


# --- Private files: the private bucket, streamed through the permission-checked views ----------


@pytest.fixture
def attachment(s3, product, django_capture_on_commit_callbacks):
    alice = customer(username="alice_c")
    with django_capture_on_commit_callbacks(execute=True):  # files are written on commit
        ticket = file_ticket(alice, product, attachments=[SimpleUploadedFile("shot.png", PNG)])
    return ticket.attachments.get()


def test_a_ticket_attachment_lands_in_the_private_bucket_never_readable_unsigned(
    attachment, s3, object_store
):
    key = f"ticket-attachments/{attachment.file.name}"
    assert object_store.keys(s3.private_bucket) == [key]
    assert object_store.keys(s3.public_bucket) == []
    assert object_store.read(s3.private_bucket, key) == PNG

    status, body = object_store.anonymous_get(object_store.object_url(s3.private_bucket, key))

    assert status == 403
    assert PNG not in body


def test_the_tickets_customer_and_an_agent_download_it_through_the_view(client, attachment):
    for person in (attachment.ticket.customer, agent(username="sam_a")):
        client.force_login(person)

        response = client.get(attachment.get_absolute_url())

        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PNG


def test_another_customer_and_media_get_nothing(client, attachment):
    client.force_login(customer(username="bob_c"))

    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_an_attachment_gone_from_the_bucket_is_not_found(client, attachment, object_store, s3):
    object_store.client.delete_object(
        Bucket=s3.private_bucket, Key=f"ticket-attachments/{attachment.file.name}"
    )
    client.force_login(attachment.ticket.customer)

    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_url_made_for_a_private_file_is_signed_and_short_lived(attachment, object_store):
    url = attachment.file.url

    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == [str(PRIVATE_URL_SECONDS)]
    assert PRIVATE_URL_SECONDS <= 60
    assert object_store.anonymous_get(url) == (200, PNG)  # the signature is what lets it in
    unsigned = url.split("?", 1)[0]
    assert object_store.anonymous_get(unsigned)[0] == 403


def test_upload_checks_are_unchanged(client, s3, object_store, product, settings):
    settings.MAX_UPLOAD_BYTES = 100
    ticket = file_ticket(customer(username="alice_c"), product)
    client.force_login(ticket.customer)

    response = client.post(
        ticket.get_absolute_url(),
        {"body": "Big one", "attachments": [SimpleUploadedFile("big.png", PNG + b"\x00" * 200)]},
    )

    assert response.status_code == 200
    assert "big.png is too large" in response.content.decode()
    assert object_store.keys(s3.private_bucket) == []


def test_a_data_export_lands_in_the_private_bucket_and_downloads_only_through_its_link(
    client, s3, object_store, mailoutbox, product, django_capture_on_commit_callbacks
):
    alice = customer(username="alice", email="alice@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_ticket(alice, product, attachments=[SimpleUploadedFile("log.png", PNG)])
    export = account_services.data_export_request(user=alice, requested_by=alice)
    build_data_export(export.pk)
    export.refresh_from_db()
    key = f"data-exports/{export.file.name}"
    assert key in object_store.keys(s3.private_bucket)
    assert object_store.keys(s3.public_bucket) == []
    assert object_store.anonymous_get(object_store.object_url(s3.private_bucket, key))[0] == 403
    link = re.search(r"https?://\S+/profile/data/exports/\S+", mailoutbox[-1].body).group(0)
    url = "/" + link.split("://", 1)[1].split("/", 1)[1]

    client.force_login(customer(username="mallory"))
    assert client.get(url).status_code == 403
    client.force_login(alice)
    response = client.get(url)

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    attachment = ticket.attachments.get()  # read back from the private bucket into the ZIP
    assert archive.read(f"files/tickets/{ticket.number}/{attachment.pk}-log.png") == PNG


# --- Settings and checks ----------------------------------------------------------------------


def test_private_files_need_a_bucket_of_their_own():
    one = S3Settings("", "cc-files", "cc-files", "", "", "eu-west-1")
    half = S3Settings("", "cc-public", "", "", "", "eu-west-1")

    for settings in (one, half):
        with pytest.raises(ObjectStorageMisconfigured):
            s3_storages(settings)


def test_the_checks_run_on_object_storage_which_has_no_location(s3):
    errors = [message for message in run_checks() if message.id.startswith("service_desk.")]

    assert errors == []


def _manage(*args, **env):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_storage_settings_choose_the_buckets_and_another_process_reads_the_same_files(
    object_store,
):
    buckets = object_store.new_buckets()
    env = {
        "STORAGE_S3_ENDPOINT_URL": object_store.endpoint_url,
        "STORAGE_S3_PUBLIC_BUCKET": buckets.public_bucket,
        "STORAGE_S3_PRIVATE_BUCKET": buckets.private_bucket,
        "STORAGE_S3_ACCESS_KEY": "test-access",
        "STORAGE_S3_SECRET_KEY": "test-secret",
        "STORAGE_S3_REGION": "us-east-1",
    }
    # Another node: it writes a private file through its own settings and reports its storages.
    shown = (
        "import io; from django.core.files.storage import storages as s;"
        "print(s['attachments'].save('tickets/1/note.txt', io.BytesIO(b'from node 2')));"
        "print([(a, type(s[a]).__name__, s[a].bucket_name == '$PUBLIC', s[a].location,"
        " s[a].default_acl, s[a].querystring_auth)"
        " for a in ('default', 'attachments', 'data_exports')])"
    ).replace("$PUBLIC", buckets.public_bucket)

    result = _manage("shell", "-c", shown, **env)
    check = _manage("check", **env)
    refused = _manage("check", **{**env, "STORAGE_S3_PRIVATE_BUCKET": ""})

    assert result.returncode == 0, result.stderr
    *_, saved, storages_shown = result.stdout.strip().splitlines()
    assert storages_shown == str(
        [
            ("default", "S3Storage", True, "", "public-read", False),
            ("attachments", "S3Storage", False, "ticket-attachments", "private", True),
            ("data_exports", "S3Storage", False, "data-exports", "private", True),
        ]
    )
    # This node reads what the other wrote, through the same settings.
    attachments = s3_storages(buckets)["attachments"]["OPTIONS"]
    here = S3Storage(**attachments)
    with here.open(saved) as file:
        assert file.read() == b"from node 2"
    assert check.returncode == 0, check.stderr
    assert refused.returncode != 0
    assert "STORAGE_S3_PRIVATE_BUCKET" in refused.stderr


def test_the_layout_check_ignores_folders_that_object_storage_leaves_unused(s3, settings, tmp_path):
    # /media/ reads no disk: a private folder under MEDIA_ROOT then publishes nothing.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICE_DESK_ATTACHMENT_ROOT = settings.MEDIA_ROOT / "private"

    assert [m.id for m in run_checks() if m.id.startswith("service_desk.")] == []


@pytest.mark.parametrize(
    "change",
    [
        {"default_acl": "public-read"},
        {"querystring_auth": False},
        {"bucket_name": "PUBLIC"},
    ],
    ids=["public-acl", "unsigned-urls", "public-bucket"],
)
def test_the_checks_refuse_private_files_that_object_storage_would_publish(s3, settings, change):
    if change.get("bucket_name") == "PUBLIC":
        change = {"bucket_name": s3.public_bucket}
    attachments = settings.STORAGES["attachments"]
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {**attachments, "OPTIONS": {**attachments["OPTIONS"], **change}},
    }

    errors = [m for m in run_checks() if m.id == "core.E001"]

    assert len(errors) == 1
    assert 'STORAGES["attachments"]' in errors[0].msg


def test_the_checks_pass_the_storages_the_settings_build(s3):
    assert [m for m in run_checks() if m.id.startswith("core.")] == []
