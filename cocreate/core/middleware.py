from django.conf import settings
from django.core.exceptions import BadRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .views import refusal, uri_too_long


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy: only our own scripts, styles and images."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RejectNulCharactersMiddleware:
    """Answer 400 to a query string holding a NUL character.

    PostgreSQL text cannot hold NUL, so such a value would fail in the database as a 500
    wherever a filter or search passes it on. Form and JSON bodies are checked by their fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequest(_("The address holds a character that is not allowed."))
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BYTES before reading any of it.

    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves uploaded files out, and the CSRF check
    parses the whole form: without this, a 100 MB upload would be read and written to a temporary
    file before anything refused it, signed in or not. The declared Content-Length decides: 413.
    A body sent without one (chunked transfer encoding), which Django would read as empty, is a
    411; the proxy (deploy/nginx.conf) gives every body its length.

    It must come before anything that reads the body (CsrfViewMiddleware's process_view, which
    runs after every middleware's __call__, is the first) and comes after the middleware that
    know the reader, so the page is in their language and carries the site's headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if length is None and "HTTP_TRANSFER_ENCODING" in request.META:
            return refusal(
                request,
                status=411,
                code="length_required",
                detail=_("Send the request body with a Content-Length header."),
                template="400.html",
            )
        if length is not None and length > settings.MAX_REQUEST_BYTES:
            limit = filesizeformat(settings.MAX_REQUEST_BYTES)
            return refusal(
                request,
                status=413,
                code="too_large",
                detail=_("The request body is too large; the limit is %(limit)s.")
                % {"limit": limit},
                template="413.html",
                context={"limit": limit},
            )
        return self.get_response(request)


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class RejectLongUrlsMiddleware:
    """Answer 414 to an address (path and query string) longer than settings.MAX_URL_LENGTH:
    JSON under /api/, the styled page elsewhere (cocreate.core.views.uri_too_long).

    No view needs such an address, and some would fail on one (an id too long for Python to
    read as a number, a file name too long for the file system). gunicorn refuses request lines
    longer than its `limit_request_line` itself, with an HTML 414, before the app sees them:
    keep that limit above this one so the app's answer is the one clients get."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.get_full_path()) > settings.MAX_URL_LENGTH:
            return uri_too_long(request)
        return self.get_response(request)
