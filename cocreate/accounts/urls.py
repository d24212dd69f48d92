from django.urls import path

from . import views

# Not namespaced, like allauth's own names ("account_login" …) mounted beside these at accounts/.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
