from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


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
