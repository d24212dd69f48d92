"""The control endpoints the tests drive the provider by (tests/oidc.py): JSON posted with the
token the provider was started with, answered 204."""

import json
from functools import wraps

from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import HttpResponse, HttpResponseForbidden
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import Application

from tests.oidc_provider import validator
from tests.oidc_provider.models import Person


def control(action):
    @csrf_exempt
    @require_POST
    @wraps(action)
    def view(request):
        expected = f"Bearer {settings.CONTROL_TOKEN}"
        if not constant_time_compare(request.headers.get("Authorization", ""), expected):
            return HttpResponseForbidden("not the token this provider was started with")
        action(**json.loads(request.body))
        return HttpResponse(status=204)

    return view


@control
def reset():
    """No clients, people, sessions or overrides: as the provider started. A client's grants
    and tokens go with it."""
    Application.objects.all().delete()
    Person.objects.all().delete()
    Session.objects.all().delete()
    validator.id_token_overrides.clear()


@control
def add_client(*, client_id, secret, redirect_uris):
    Application.objects.create(
        name=client_id,
        client_id=client_id,
        client_secret=secret,
        redirect_uris=" ".join(redirect_uris),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        # Signed-in people are sent back to the client at once, without a consent page.
        skip_authorization=True,
    )


@control
def add_user(*, username, password, email, name, groups, email_verified):
    Person.objects.create_user(
        username=username,
        password=password,
        email=email,
        name=name,
        group_names=groups,
        email_verified=email_verified,
    )


@control
def set_groups(*, username, groups):
    Person.objects.filter(username=username).update(group_names=groups)


@control
def override_id_token_claims(**claims):
    validator.id_token_overrides.update(claims)
