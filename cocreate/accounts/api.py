from allauth.account.adapter import get_adapter
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from cocreate.core.text import SingleLineSerializerField
from cocreate.core.throttling import ScopedRateThrottle

from .adapter import login_retry_seconds
from .tokens import api_token_create

DEFAULT_TOKEN_NAME = "API"


class GuardedAuthTokenSerializer(AuthTokenSerializer):
    """Token login under the same failed-login limits as the login page (one budget)."""

    name = SingleLineSerializerField(
        max_length=100,
        required=False,
        default=DEFAULT_TOKEN_NAME,
        help_text="The token's name on your profile page. A token of the same name is replaced.",
    )

    def validate(self, attrs):
        request = self.context["request"]._request
        try:
            user = get_adapter(request).authenticate(
                request, username=attrs.get("username"), password=attrs.get("password")
            )
        except forms.ValidationError:  # allauth's login_failed rate limit
            raise exceptions.Throttled(wait=login_retry_seconds()) from None
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class ObtainTokenView(APIView):
    """Exchange `{username, password}` for `{token}`; send it as `Authorization: Token <token>`.

    Each call makes a new key under `name` (default "API") and revokes the previous token of that
    name; the key is only shown in this answer. Tokens are listed and revoked on the profile page.
    """

    authentication_classes = []
    permission_classes = []
    throttle_classes = [*APIView.throttle_classes, ScopedRateThrottle]  # on top of the defaults
    throttle_scope = "token"

    @extend_schema(
        request=GuardedAuthTokenSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        serializer = GuardedAuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        _token, key = api_token_create(
            user=serializer.validated_data["user"],
            name=serializer.validated_data["name"],
            replace=True,
        )
        return Response({"token": key})
