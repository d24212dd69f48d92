"""A service's refusal reaches the API through the exception handler alone (cocreate/core/errors.py):
a ValidationError is a 400 with the errors per field, a StateConflict a 409, RateLimited a 429."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from cocreate.core.api import exception_handler
from cocreate.core.errors import StateConflict
from cocreate.core.ratelimit import RateLimited


def _handle(error):
    return exception_handler(error, {"request": APIRequestFactory().post("/api/v1/"), "view": None})


def test_field_errors_are_a_400_keyed_by_field():
    response = _handle(ValidationError({"title": ["Too short."], "tags": ["Five at most."]}))

    assert response.status_code == 400
    assert response.data == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"title": ["Too short."], "tags": ["Five at most."]},
    }


def test_errors_of_no_field_are_under_non_field_errors():
    response = _handle(ValidationError(["This invitation has expired.", "Ask for a new one."]))

    assert response.status_code == 400
    assert response.data["errors"] == {
        "non_field_errors": ["This invitation has expired.", "Ask for a new one."]
    }


def test_errors_of_no_field_next_to_field_errors_are_under_non_field_errors_too():
    # Django keys them "__all__" (a model's full_clean, a form's clean()); the API says it one way.
    service = _handle(ValidationError({NON_FIELD_ERRORS: ["Overlaps."], "title": ["Too short."]}))
    form = _handle(exceptions.ValidationError({NON_FIELD_ERRORS: ["Pick one."]}))

    assert service.data["errors"] == {"non_field_errors": ["Overlaps."], "title": ["Too short."]}
    assert form.data["errors"] == {"non_field_errors": ["Pick one."]}


def test_a_state_conflict_is_a_409_with_its_message():
    response = _handle(StateConflict("You already rated this ticket.", code="rated"))

    assert response.status_code == 409
    assert response.data == {"detail": "You already rated this ticket.", "code": "conflict"}


def test_rate_limited_is_a_429_with_retry_after():
    response = _handle(RateLimited(42))

    assert response.status_code == 429
    assert response.data["code"] == "throttled"
    assert response["Retry-After"] == "42"
