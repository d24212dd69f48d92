"""A URLconf for the error-page tests: the site's URLs plus views that fail or refuse, under
/api/ and elsewhere."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from cocreate.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("Refused header.")


urlpatterns = [
    *(path(f"{prefix}broken/", broken) for prefix in ("", "api/")),
    *(path(f"{prefix}forbidden/", forbidden) for prefix in ("", "api/")),
    *(path(f"{prefix}suspicious/", suspicious) for prefix in ("", "api/")),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
