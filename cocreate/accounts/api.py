from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from .login_guard import client_ip, login_failed, login_succeeded, login_wait_seconds


class GuardedAuthTokenSerializer(AuthTokenSerializer):
    """Token login with the same slow-down and lockout as the login page."""

    def validate(self, attrs):
        request = self.context["request"]
        username, ip = attrs.get("username", ""), client_ip(request)
        wait = login_wait_seconds(username=username, client_ip=ip)
        if wait:
            raise exceptions.Throttled(wait=wait)
        try:
            validated = super().validate(attrs)
        except serializers.ValidationError:
            login_failed(username=username, client_ip=ip)
            raise
        login_succeeded(username=username, client_ip=ip)
        return validated


class ObtainTokenView(ObtainAuthToken):
    """Exchange `{username, password}` for `{token}`; send it as `Authorization: Token <token>`."""

    serializer_class = GuardedAuthTokenSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
