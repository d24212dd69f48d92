"""The site's URLs plus /bench/bare/, the baseline every endpoint's throughput is compared to:
the whole middleware stack, no database, no template."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("cocreate.urls")),
]
handler403 = "cocreate.core.views.permission_denied"
handler404 = "cocreate.core.views.page_not_found"
handler500 = "cocreate.core.views.server_error"
