from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

from .views import uri_too_long


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
