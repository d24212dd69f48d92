"""What every API endpoint shares: pagination and the JSON shape of errors."""

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(PageNumberPagination):
    """`{count, next, previous, results}`, 20 per page, `?page_size=` up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the resource.")
    default_code = "conflict"


def exception_handler(exc, context):
    """Errors are `{"detail": message, "code": code}`; validation errors add `"errors"` per field.

    Example: `{"detail": "Invalid input.", "code": "invalid", "errors": {"title": ["…"]}}`.
    """
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request body is too large."), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"detail": _("Invalid input."), "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response
