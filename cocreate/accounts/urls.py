from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import GuardedAuthenticationForm, ReaderPasswordResetForm

# Not namespaced: Django's auth views reverse these names ("password_reset_done" …) as they are.
urlpatterns = [
    path("signup/", views.sign_up, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=GuardedAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/data/export/", views.data_export_create, name="data_export_create"),
    path("profile/data/export/status/", views.data_export_status, name="data_export_status"),
    path(
        "profile/data/exports/<int:pk>/<str:token>/",
        views.data_export_download,
        name="data_export_download",
    ),
    path("profile/delete/", views.account_delete_confirm, name="account_delete"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=ReaderPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
