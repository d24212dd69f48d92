"""A request body over MAX_REQUEST_BYTES is refused on its declared length, before any of it is
read: the test client's payload raises if anything reads past the bytes actually given, so a
declared 100 MB with a few hundred bytes behind it proves nothing read the body."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cocreate.core.uploads import MAX_FILES_PER_MESSAGE
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

HUNDRED_MB = str(100 * 1024 * 1024)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def csrf_client():
    """A browser that loaded a form: its POSTs pass the CSRF check, which reads the whole form."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))
    return client


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every uploaded file would go to disk
    return tmp_path


def _form(client):
    return {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "subject": "Broken",
        "attachments": SimpleUploadedFile("photo.png", PNG, "image/png"),
    }


def test_an_anonymous_upload_declared_over_the_limit_is_refused_unread(csrf_client, upload_dir):
    response = csrf_client.post(
        reverse("service_desk:ticket_new"), _form(csrf_client), CONTENT_LENGTH=HUNDRED_MB
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert "What you sent is too large." in html
    assert "We accept up to 36.0\xa0MB in one go" in html
    assert 'class="site-header"' in html  # the site's page, not a bare error
    assert response["Content-Security-Policy"]
    assert list(upload_dir.iterdir()) == []


def test_a_signed_in_upload_declared_over_the_limit_is_refused_unread(csrf_client, upload_dir):
    csrf_client.force_login(UserFactory())

    response = csrf_client.post(
        reverse("service_desk:ticket_new"), _form(csrf_client), CONTENT_LENGTH=HUNDRED_MB
    )

    assert response.status_code == 413
    assert list(upload_dir.iterdir()) == []


def test_the_refusal_reads_in_the_readers_language(csrf_client):
    csrf_client.force_login(UserFactory(language="zh-hans"))

    response = csrf_client.post(
        reverse("service_desk:ticket_new"), _form(csrf_client), CONTENT_LENGTH=HUNDRED_MB
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "您发送的内容过大。" in html


def test_the_api_refuses_in_its_error_shape_and_language(csrf_client):
    response = csrf_client.post(
        "/api/v1/posts/",
        _form(csrf_client),
        CONTENT_LENGTH=HUNDRED_MB,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "detail": "请求正文过大，上限为36.0\xa0MB。",
        "code": "too_large",
    }


def test_a_body_within_the_limit_goes_through(client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    client.force_login(UserFactory())
    body = {"subject": "x" * 500}  # a few hundred bytes of form around it

    response = client.post(reverse("service_desk:ticket_new"), body)

    assert response.status_code == 200  # the form again, with its errors: the view read it
    assert "form" in response.context


def test_the_limit_is_the_declared_length(client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    client.force_login(UserFactory())

    response = client.post(reverse("service_desk:ticket_new"), {"subject": "x" * 1100})

    assert response.status_code == 413


def test_a_body_without_a_length_is_refused(csrf_client):
    # Chunked transfer encoding: Django would read the body as empty and act on no data.
    response = csrf_client.generic(
        "POST",
        "/api/v1/auth/token/",
        b'{"username": "a", "password": "b"}',
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411
    assert json.loads(response.content)["code"] == "length_required"


def test_the_default_limit_takes_the_largest_legitimate_request(settings):
    # A ticket message with all its attachments, or a post with all its images, at full size,
    # with the most form data Django takes beside them.
    files = max(
        MAX_FILES_PER_MESSAGE * settings.MAX_UPLOAD_BYTES,
        settings.COMMUNITY_MAX_IMAGES_PER_POST * settings.COMMUNITY_IMAGE_MAX_BYTES,
    )

    assert files + settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_REQUEST_BYTES
