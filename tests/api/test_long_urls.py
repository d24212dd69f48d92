"""An address longer than MAX_URL_LENGTH is a 414: JSON under /api/, the styled page elsewhere.

Longer request lines than gunicorn's `limit_request_line` never reach the app: gunicorn answers
them with its own HTML 414 (README, "Docker")."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/" + "a" * 5000,
        "/api/v1/posts/" + "9" * 4400 + "/",  # an id Python would refuse to read (a 500)
        "/api/v1/posts/?q=" + "battery+" * 600,
    ],
)
def test_an_over_long_api_address_is_a_json_414(client, path):
    response = client.get(path)

    assert response.status_code == 414
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "uri_too_long"
    assert "at most 4000 characters" in body["detail"]


def test_an_over_long_page_address_is_the_styled_414_page(client):
    response = client.get("/products/" + "a" * 5000)

    assert response.status_code == 414
    assert b"We could not read that request." in response.content


def test_the_limit_is_a_setting(client, settings):
    settings.MAX_URL_LENGTH = 50

    assert client.get("/api/v1/products/").status_code == 200
    assert client.get("/api/v1/products/?ordering=" + "-name" * 10).status_code == 414


def test_a_media_name_too_long_for_the_file_system_is_a_404(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    assert client.get("/media/" + "a" * 300 + ".png").status_code == 404
