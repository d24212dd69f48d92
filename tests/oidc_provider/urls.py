from django.contrib.auth.views import LoginView
from django.urls import include, path
from oauth2_provider.urls import base_urlpatterns, oidc_urlpatterns

from tests.oidc_provider import views

urlpatterns = [
    # The issuer is …/o: discovery, authorization, token, userinfo and JWKS below it.
    path("o/", include((base_urlpatterns + oidc_urlpatterns, "oauth2_provider"))),
    path("login/", LoginView.as_view(template_name="login.html")),
    path("control/reset", views.reset),
    path("control/clients", views.add_client),
    path("control/users", views.add_user),
    path("control/groups", views.set_groups),
    path("control/id-token-claims", views.override_id_token_claims),
]
