"""What every API endpoint shares: the error shape for each status, pagination, the docs page."""

import re

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from cocreate.core.api import StandardPagination, exception_handler
from tests.factories.accounts import UserFactory
from tests.factories.products import PartFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


def _is_error(response, status, code):
    body = response.json()
    return response.status_code == status and body["code"] == code and body["detail"]


def test_a_wrong_method_is_a_json_405(api):
    response = api.delete("/api/v1/products/")

    assert _is_error(response, 405, "method_not_allowed")


def test_a_body_over_the_upload_limit_is_a_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"product": "x", "serial_number": "' + "9" * 2000 + '"}'

    response = api.post("/api/v1/registrations/", body, content_type="application/json")

    assert _is_error(response, 413, "too_large")


def test_form_data_over_the_upload_limit_is_a_json_413_too(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = api.post("/api/v1/registrations/", {"serial_number": "9" * 2000}, format="multipart")

    assert _is_error(response, 413, "too_large")


def test_an_unknown_api_path_is_a_json_404():
    response = APIClient().get("/api/v1/no-such-thing/")

    assert _is_error(response, 404, "not_found")


def test_django_404_and_permission_denied_get_our_codes():
    request = APIRequestFactory().get("/api/v1/")
    context = {"request": request, "view": None}

    not_found = exception_handler(Http404("No Ticket matches the given query."), context)
    denied = exception_handler(DjangoPermissionDenied("Only agents can set this status."), context)

    assert not_found.status_code == 404 and not_found.data["code"] == "not_found"
    assert "Ticket" not in not_found.data["detail"]  # no model names leak
    assert denied.status_code == 403 and denied.data == {
        "detail": "Only agents can set this status.",
        "code": "permission_denied",
    }


def test_a_missing_object_behind_get_object_or_404_has_the_error_shape(api):
    response = api.get("/api/v1/parts/999999/")

    assert _is_error(response, 404, "not_found")


@pytest.mark.parametrize("page_size", ["null", "abc", "0", "-3", "101", "2.5"])
def test_an_invalid_page_size_is_a_400_naming_the_parameter(api, page_size):
    response = api.get("/api/v1/parts/", {"page_size": page_size})

    assert _is_error(response, 400, "invalid")
    assert list(response.json()["errors"]) == ["page_size"]


def test_a_valid_page_size_pages_by_it(api):
    PartFactory.create_batch(3)

    body = api.get("/api/v1/parts/", {"page_size": 2}).json()

    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_the_schema_documents_the_page_size_bounds():
    parameters = StandardPagination().get_schema_operation_parameters(view=None)

    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}


def test_an_unread_filter_that_is_not_a_boolean_is_a_400(api):
    assert api.get("/api/v1/notifications/", {"unread": "true"}).status_code == 200

    response = api.get("/api/v1/notifications/", {"unread": "null"})

    assert _is_error(response, 400, "invalid")
    assert list(response.json()["errors"]) == ["unread"]


def test_interactive_docs_load_nothing_from_another_site(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in url for url in urls)
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls)
    script = client.get("/api/docs/", {"script": ""}).content.decode()
    assert not re.search(r"https?://", script)


@pytest.mark.parametrize("signed_in", [False, True])
def test_over_the_rate_is_a_json_429_with_retry_after(monkeypatch, signed_in):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "2/minute", "user": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = APIClient()
    if signed_in:
        client.force_authenticate(UserFactory())

    statuses = [client.get("/api/v1/parts/").status_code for _ in range(2)]
    refused = client.get("/api/v1/parts/")

    assert statuses == [200, 200]
    assert _is_error(refused, 429, "throttled")
    assert 0 < int(refused["Retry-After"]) <= 60


def test_a_malformed_product_slug_in_the_knowledge_base_filter_is_a_400(api):
    assert api.get("/api/v1/kb/articles/", {"product": "no-such-product"}).status_code == 200

    response = api.get("/api/v1/kb/articles/", {"product": "not a slug!"})

    assert _is_error(response, 400, "invalid")
    assert list(response.json()["errors"]) == ["product"]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/products/", "page_size"),
        ("/api/v1/posts/", "page_size"),
        ("/api/v1/products/", "page"),
        ("/api/v1/notifications/", "unread"),
    ],
)
def test_an_empty_number_or_boolean_is_a_400_not_the_default(api, path, parameter):
    response = api.get(path, {parameter: ""})

    assert _is_error(response, 400, "invalid")
    assert list(response.json()["errors"]) == [parameter]


def test_posts_filters_are_all_checked_before_any_product_lookup(api):
    response = api.get("/api/v1/posts/", {"product": "no-such-product", "kind": "poem"})

    assert _is_error(response, 400, "invalid")
    assert list(response.json()["errors"]) == ["kind"]


def test_a_nul_character_in_a_filter_is_a_json_400_not_a_database_error(api):
    response = api.get("/api/v1/review-queue/", {"product": "aurora\x00"})

    assert _is_error(response, 400, "bad_request")


def _enumerated_query_filters():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if "{" in path or "get" not in item:
            continue
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] == "query" and "enum" in parameter["schema"]:
                yield path, parameter["name"]


def test_an_empty_enumerated_filter_is_no_filter_as_the_schema_says():
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = APIClient()
    client.force_authenticate(staff)
    filters = list(_enumerated_query_filters())
    assert len(filters) > 20

    refused = [
        (path, name) for path, name in filters if client.get(path, {name: ""}).status_code != 200
    ]

    assert refused == []


def test_a_list_orders_by_a_declared_field_either_way(api):
    PartFactory(name="Cheap", price="5.00")
    PartFactory(name="Dear", price="50.00")

    ascending = api.get("/api/v1/parts/", {"ordering": "price"}).json()["results"]
    descending = api.get("/api/v1/parts/", {"ordering": "-price"}).json()["results"]

    assert [part["name"] for part in ascending] == ["Cheap", "Dear"]
    assert [part["name"] for part in descending] == ["Dear", "Cheap"]


@pytest.mark.parametrize("ordering", ["bogus", "-bogus", "name,price", "sku", "--price"])
def test_an_unknown_ordering_is_a_400_naming_the_parameter(api, ordering):
    response = api.get("/api/v1/parts/", {"ordering": ordering})

    assert _is_error(response, 400, "invalid")
    assert "-price" in response.json()["errors"]["ordering"][0]


def test_the_schema_lists_each_lists_orderings_and_only_where_there_are_some(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    def ordering(path):
        parameters = schema["paths"][path]["get"]["parameters"]
        return next((p["schema"] for p in parameters if p["name"] == "ordering"), None)

    assert set(ordering("/api/v1/products/")["enum"]) >= {"name", "-launch_date", "generation"}
    assert set(ordering("/api/v1/parts/")["enum"]) >= {"price", "-price", "name", "-name"}
    assert ordering("/api/v1/registrations/") is None


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_a_deeply_nested_json_body_is_a_json_400(api, depth):
    body = '{"body": ' + "[" * depth + "]" * depth + "}"

    response = api.post("/api/v1/registrations/", body, content_type="application/json")

    assert _is_error(response, 400, "parse_error")


def test_a_body_nested_deeper_than_the_bound_is_a_400_below_the_recursion_limit_too(api):
    body = '{"serial_number": ' + "[" * 40 + "]" * 40 + "}"

    response = api.post("/api/v1/registrations/", body, content_type="application/json")

    assert _is_error(response, 400, "parse_error")
    assert "nested" in response.json()["detail"]
