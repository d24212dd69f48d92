"""What every API endpoint shares: pagination, ordering and the JSON shape of errors."""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, UnreadablePostError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from cocreate.core import keyset
from cocreate.core.errors import StateConflict
from cocreate.core.ratelimit import RateLimited


def requested_page_size(request, *, default: int, maximum: int) -> int:
    """`?page_size=`: absent is the default; anything but a whole number from 1 to `maximum`
    (an empty value included) is a 400, never silently replaced."""
    if "page_size" not in request.query_params:
        return default
    field = serializers.IntegerField(min_value=1, max_value=maximum)
    try:
        return field.run_validation(request.query_params["page_size"])
    except exceptions.ValidationError as error:
        raise exceptions.ValidationError({"page_size": error.detail}) from error


# The schema of a slug filter: other characters are a 400 (empty: no filter).
SLUG_SCHEMA = {"type": "string", "pattern": "^[-a-zA-Z0-9_]*$"}


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=<field>` or `-<field>` on lists that declare `ordering_fields`.

    DRF's filter ignores an unknown field; here it is a 400 naming `ordering`, like an unknown
    filter value, and the schema lists the accepted values. One field at a time: the lists'
    default orders already break ties. Lists without `ordering_fields` take no ordering: there
    any `?ordering=` value is unknown, a 400 as well (an empty one is no ordering)."""

    def choices(self, view) -> list[str]:
        fields = getattr(view, "ordering_fields", None) or []
        return [f"{prefix}{field}" for field in fields for prefix in ("", "-")]

    def get_ordering(self, request, queryset, view):
        value = request.query_params.get(self.ordering_param, "").strip()
        choices = self.choices(view)
        if not value:
            return self.get_default_ordering(view)
        if not choices:
            raise exceptions.ValidationError(
                {self.ordering_param: [_("This list has a fixed order: it takes no ordering.")]}
            )
        if value not in choices:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        _("Unknown ordering. Choose one of: %(choices)s.")
                        % {"choices": ", ".join(choices)}
                    ]
                }
            )
        return [value]

    def get_schema_operation_parameters(self, view):
        choices = self.choices(view)
        if not choices:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(self.ordering_description),
                "schema": {"type": "string", "enum": choices},
            }
        ]


class StandardPagination(PageNumberPagination):
    """`{count, next, previous, results}`, 20 per page, `?page_size=` from 1 to 100.

    A `page_size` that is not a whole number in that range is a 400 (DRF would silently fall
    back to the default or clamp it), so a client never gets a page of another size than it
    asked for without knowing.
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        return requested_page_size(request, default=self.page_size, maximum=self.max_page_size)

    def get_page_number(self, request, paginator):
        # DRF reads an empty `?page=` as page 1; like page_size, it is a 400 here.
        if request.query_params.get(self.page_query_param) == "":
            raise exceptions.ValidationError({self.page_query_param: [_("Give a page number.")]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size})."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class KeysetPagination(BasePagination):
    """Cursor pages for long lists: `{count, next, previous, results}` with `count` null.

    `?cursor=` is the opaque value from `next`/`previous`; `?page_size=` goes up to 100 (more,
    or not a number, is a 400, like a malformed cursor). Counting a large list on every page
    would cost a scan of all of it, so `count` is not computed (see cocreate/core/keyset.py).
    """

    page_size = 20
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        return requested_page_size(request, default=self.page_size, maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        cursor = request.query_params.get(self.cursor_query_param) or None
        try:
            self.page = keyset.paginate(queryset, cursor=cursor, page_size=size)
        except keyset.InvalidCursor as error:
            message = CursorPagination.invalid_cursor_message  # DRF's own, translated
            raise exceptions.ValidationError({self.cursor_query_param: [message]}) from error
        return self.page.object_list

    def _link(self, cursor):
        if cursor is None:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, cursor
        )

    def get_paginated_response(self, data):
        return Response(
            {
                "count": None,
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": "Always null: cursor pages are not counted.",
                },
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The opaque cursor of a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {self.max_page_size} (default 20).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the resource.")
    default_code = "conflict"


def _service_error(error: DjangoValidationError) -> exceptions.APIException:
    """A service's refusal (cocreate/core/errors.py) as the API says it: a StateConflict is a
    409 with its message; any other ValidationError a 400 with the errors per field, those of
    no field under `non_field_errors`."""
    if isinstance(error, StateConflict):
        return Conflict(" ".join(error.messages))
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages})


def _errors_per_field(data) -> dict:
    """A validation error's details keyed by field. Those of no field are under
    `non_field_errors`, whether they came as a list or under Django's "__all__" (a model's
    full_clean, a form's clean())."""
    key = api_settings.NON_FIELD_ERRORS_KEY
    if not isinstance(data, dict):
        return {key: data}
    if NON_FIELD_ERRORS not in data:
        return data
    errors = {field: value for field, value in data.items() if field != NON_FIELD_ERRORS}
    errors[key] = [*errors.get(key, []), *data[NON_FIELD_ERRORS]]
    return errors


def exception_handler(exc, context):
    """Errors are `{"detail": message, "code": code}`; validation errors add `"errors"` per field.

    Example: `{"detail": "Invalid input.", "code": "invalid", "errors": {"title": ["…"]}}`.
    Views let a service's ValidationError or StateConflict through: it is shaped here.
    """
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request body is too large."), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, UnreadablePostError):
        # The body stopped coming: the client went away, or the server's deadline for it passed
        # (cocreate/gunicorn_worker.py). The client's doing, not a server error.
        return Response(
            {"detail": _("The request body did not arrive in full."), "code": "incomplete_body"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    # Django's own exceptions (get_object_or_404, a service's PermissionDenied) in our shape,
    # with DRF's generic message: "No Ticket matches the given query." names a model.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1], code=getattr(exc, "code", None))
    elif isinstance(exc, DjangoValidationError):
        exc = _service_error(exc)
    elif isinstance(exc, RateLimited):
        exc = exceptions.Throttled(wait=exc.wait)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _errors_per_field(response.data)
        response.data = {"detail": _("Invalid input."), "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response
