from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.mfa.base.forms import BaseAuthenticateForm
from allauth.mfa.utils import is_mfa_enabled
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


class MfaCodeRequired(exceptions.APIException):
    status_code = 400
    default_detail = _(
        "Your account uses two-factor authentication: send the code of your authenticator app, "
        "or a recovery code, as otp."
    )
    default_code = "mfa_code_required"


class GuardedAuthTokenSerializer(AuthTokenSerializer):
    """Token login under the same failed-login limits as the login page (one budget)."""

    name = SingleLineSerializerField(
        max_length=100,
        required=False,
        default=DEFAULT_TOKEN_NAME,
        help_text="The token's name on your profile page. A token of the same name is replaced.",
    )
    otp = serializers.CharField(
        max_length=64,
        required=False,
        help_text="For an account with two-factor authentication: the authenticator app's "
        "current code, or one of the recovery codes (each works once).",
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
        if is_mfa_enabled(user):
            self._check_second_factor(request, user, attrs.get("otp", ""))
        attrs["user"] = user
        return attrs

    @staticmethod
    def _check_second_factor(request, user, code: str) -> None:
        """The password is not enough for an account with a second factor: the token would
        skip it. allauth's own form checks the code (its rate limit, a code used only once)."""
        if not code:
            raise MfaCodeRequired()
        form = BaseAuthenticateForm(data={"code": code}, user=user)
        with context.request_context(request):
            if not form.is_valid():
                raise serializers.ValidationError({"otp": form.errors["code"]})


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
