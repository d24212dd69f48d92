from django.urls import path
from django.views.generic import RedirectView

from . import views

# Not namespaced, like allauth's own names ("account_login" …) mounted beside these at accounts/.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    # Links people may have kept from before allauth (its own paths match before these).
    path("password/reset/<uidb64>/<token>/", views.old_password_reset_link),
    path("profile/data/export/", views.data_export_create, name="data_export_create"),
    path("profile/data/export/status/", views.data_export_status, name="data_export_status"),
    path(
        "profile/data/exports/<int:pk>/<str:token>/",
        views.data_export_download,
        name="data_export_download",
    ),
    path("profile/delete/", views.account_delete_confirm, name="account_delete"),
    path(
        "password/reset/sent/",
        RedirectView.as_view(pattern_name="account_reset_password_done", permanent=True),
    ),
    path("password/change/done/", RedirectView.as_view(pattern_name="profile", permanent=True)),
]
