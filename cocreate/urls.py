from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cocreate.accounts import views as account_views

urlpatterns = [
    path("", include("cocreate.core.urls")),
    # allauth's paths first: ours (the profile, the old links that moved) come after them.
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("cocreate.accounts.urls")),
    # Each person's own places: where they land after signing in (docs/accounts.md).
    path("me/", account_views.own_page, name="own_page"),
    path("work/", account_views.work_places, name="work_places"),
    path("notifications/", include("cocreate.notifications.urls")),
    path("webhooks/", include("cocreate.webhooks.urls")),
    # Each app's urls.py holds its full paths: products/, community/ + design/, support/ + desk/,
    # partners/.
    path("", include("products.urls")),
    path("", include("community.urls")),
    path("", include("designers.urls")),
    path("", include("service_desk.urls")),
    path("", include("partners.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cocreate.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "cocreate.core.views.bad_request"
handler403 = "cocreate.core.views.permission_denied"
handler404 = "cocreate.core.views.page_not_found"
handler500 = "cocreate.core.views.server_error"
