"""API tokens: made, checked and revoked here; the key itself is never stored."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .middleware import MFA_REQUIRED_MESSAGE, activate_reader_preferences
from .models import ApiToken
from .selectors import mfa_enrolment_pending

# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, replace: bool = False) -> tuple[ApiToken, str]:
    """Make a token named `name` for `user`; return it with its key (shown to the user once).

    With `replace`, a token of the same name is revoked first (the token endpoint does that, so
    logging in again does not pile tokens up); otherwise the name must be new.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    tokens = ApiToken.objects.select_for_update().filter(user=user)
    if replace:
        tokens.filter(name=name).delete()
    elif tokens.filter(name=name).exists():
        raise ValidationError({"name": [_("You already have a token with this name.")]})
    if tokens.count() >= ApiToken.MAX_PER_USER:
        raise ValidationError(
            {
                "name": [
                    _("Revoke a token first: %(max)d is the most.") % {"max": ApiToken.MAX_PER_USER}
                ]
            }
        )
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_key(key))
    return token, key


def api_token_revoke(*, user, token_id: int) -> bool:
    """Delete one of the user's tokens; False when they have none with that id."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` checked against the stored hashes of ApiToken."""

    model = ApiToken

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated and mfa_enrolment_pending(authenticated[0]):
            # As the pages are closed to them (MfaEnrolmentMiddleware), so is the API.
            raise exceptions.PermissionDenied(MFA_REQUIRED_MESSAGE, code="mfa_required")
        if authenticated:
            # The language middleware ran before DRF knew the caller: serve the token's user
            # in their saved language and time zone (an explicit Accept-Language still wins).
            activate_reader_preferences(request._request, authenticated[0])
        return authenticated

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
