"""The 403 and 500 pages: in the site's style, translated; the 500 page's stylesheet URL; the
same errors as the API's JSON under /api/."""

import json

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.core.error_urls"


def test_the_403_page_is_the_styled_site_page(client):
    client.force_login(UserFactory())  # a customer, on an agents' page

    response = client.get(reverse("service_desk:desk_queue"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Not allowed · CoCreate</title>" in html
    assert "You are not allowed to do that." in html
    assert "/static/css/app.css" in html  # base.html: the site's header, styles and footer
    assert 'class="site-header"' in html and 'href="/"' in html


def test_the_403_page_reads_in_the_readers_language(client):
    client.force_login(UserFactory(language="zh-hans"))

    response = client.get(reverse("service_desk:desk_queue"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>无权访问 · CoCreate</title>" in html
    assert "您无权执行此操作。" in html
    assert '<html lang="zh-hans">' in html


@pytest.fixture
def failing_client(client, settings):
    settings.ROOT_URLCONF = ERROR_URLS
    client.raise_request_exception = False
    return client


def test_a_failing_view_gets_the_500_page_with_the_stylesheet(failing_client):
    response = failing_client.get("/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side." in html
    assert '<link rel="stylesheet" href="/static/css/app.css">' in html


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """Production's static storage, reading a manifest that collectstatic would have written."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    def write_manifest(paths: dict) -> None:
        manifest = {"paths": paths, "version": "1.1", "hash": "0123456789ab"}
        (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))

    return write_manifest


def test_the_500_page_links_the_hashed_stylesheet_of_the_manifest(failing_client, manifest_storage):
    manifest_storage({"css/app.css": "css/app.5f0c1e2d3a4b.css"})

    html = failing_client.get("/broken/").content.decode()

    assert '<link rel="stylesheet" href="/static/css/app.5f0c1e2d3a4b.css">' in html


def test_the_500_page_falls_back_to_the_plain_path_when_the_manifest_lacks_it(
    failing_client, manifest_storage
):
    manifest_storage({})  # collectstatic not run for this file: static() raises

    response = failing_client.get("/broken/")

    assert response.status_code == 500
    assert '<link rel="stylesheet" href="/static/css/app.css">' in response.content.decode()


@pytest.mark.parametrize(
    "path, status, body",
    [
        ("/api/suspicious/", 400, {"detail": "Refused header.", "code": "bad_request"}),
        (
            "/api/forbidden/",
            403,
            {"detail": "You do not have permission to do this.", "code": "permission_denied"},
        ),
        ("/api/no-such-thing/", 404, {"detail": "Not found.", "code": "not_found"}),
        ("/api/broken/", 500, {"detail": "Server error.", "code": "server_error"}),
    ],
)
def test_under_api_the_error_views_answer_the_apis_json(failing_client, path, status, body):
    response = failing_client.get(path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == body


@pytest.mark.parametrize(
    "path, status, text",
    [
        ("/suspicious/", 400, "We could not read that request."),
        ("/forbidden/", 403, "You are not allowed to do that."),
        ("/no-such-thing/", 404, "We could not find that page."),
        ("/broken/", 500, "Something went wrong on our side."),
    ],
)
def test_elsewhere_the_error_views_answer_the_page(failing_client, path, status, text):
    response = failing_client.get(path)

    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert text in response.content.decode()
