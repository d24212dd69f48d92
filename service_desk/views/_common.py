"""What the service desk's pages share: the agents-only decorator, a service error or a
form's errors as messages, and the check that a query value is a row id."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError

from ..permissions import is_desk_agent


def agent_required(view):
    """Agents and staff only: anyone else signed in gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_desk_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _error_message(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_error_messages(request, form) -> None:
    """Every error of an invalid form as a message (forms posted from a page that redirects
    back rather than showing the form again)."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _is_id(value: str) -> bool:
    """Whether a query or form value is a row id: ASCII digits only. str.isdigit() alone accepts
    "²" or "٣", which the database lookup then refuses (a 500)."""
    return value.isascii() and value.isdigit()
