"""The OpenAPI schema says what the API really does (each case was a mismatch the fuzzer found)."""

import pytest


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}).json()


def _parameter(schema, path, name, method="get"):
    parameters = schema["paths"][path][method]["parameters"]
    return next(p for p in parameters if p["name"] == name)["schema"]


def _component(schema, name):
    return schema["components"]["schemas"][name]["properties"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Article", "product"),
        ("Application", "partner"),
        ("Post", "duplicate_of"),
        ("Product", "predecessor"),
        ("Product", "successor"),
        ("Ticket", "assignee"),
    ],
)
def test_fields_that_can_be_empty_are_nullable(schema, component, field):
    assert _component(schema, component)[field].get("nullable") is True


@pytest.mark.parametrize("path", ["/api/v1/products/", "/api/v1/tickets/", "/api/v1/partners/"])
def test_page_size_is_bounded(schema, path):
    assert _parameter(schema, path, "page_size") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
    }


def test_partner_filters_list_the_codes_they_accept(schema):
    country = _parameter(schema, "/api/v1/partners/", "country")["enum"]
    serves = _parameter(schema, "/api/v1/partners/", "serves")["enum"]

    assert "DE" in country and "CN" in country and "eu" not in country
    assert {"DE", "eu"} <= set(serves)


def test_slug_filters_say_which_characters_they_take(schema):
    assert _parameter(schema, "/api/v1/tickets/", "product")["pattern"] == "^[-a-zA-Z0-9_]*$"


@pytest.mark.parametrize("action", ["vote", "follow"])
def test_withdrawing_a_vote_or_follow_answers_200_with_the_new_state(schema, action):
    responses = schema["paths"][f"/api/v1/posts/{{id}}/{action}/"]["delete"]["responses"]

    assert "200" in responses and "204" not in responses


def test_unread_is_a_parameter_of_the_notification_list_only(schema):
    assert _parameter(schema, "/api/v1/notifications/", "unread")["type"] == "boolean"
    read_all = schema["paths"]["/api/v1/notifications/read-all/"]["post"]
    assert "unread" not in {p["name"] for p in read_all.get("parameters", [])}


def test_field_errors_may_be_nested(schema):
    errors = schema["components"]["schemas"]["Error"]["properties"]["errors"]

    kinds = {option["type"] for option in errors["additionalProperties"]["anyOf"]}
    assert kinds == {"array", "object"}


def test_the_token_endpoint_documents_its_name_and_second_factor_fields(schema):
    request = schema["paths"]["/api/v1/auth/token/"]["post"]["requestBody"]["content"]
    reference = request["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    assert set(_component(schema, reference)) == {"username", "password", "name", "otp"}
