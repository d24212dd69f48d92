"""A URLconf for the error-page tests: the site's URLs plus a view that fails."""

from django.urls import path

from cocreate.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
