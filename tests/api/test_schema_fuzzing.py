"""Property-based API testing: schemathesis generates requests for every operation of the schema
at /api/schema/ and checks every answer (no 5xx, status code, content type, headers and body as
documented). It runs inside the suite against the WSGI application, on the test database.

In the suite the examples are derandomised, so a run is repeatable and CI never fails on luck.
To hunt for new failures, draw fresh random examples, more of them:

    FUZZ_RANDOM=1 FUZZ_EXAMPLES=100 make test PYTEST_ARGS=tests/api/test_schema_fuzzing.py
"""

import os

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cocreate.accounts.roles import Role
from cocreate.accounts.tokens import api_token_create
from cocreate.wsgi import application
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory
from tests.factories.partners import ApplicationFactory, PartnerFactory, ProjectFactory
from tests.factories.products import PartFactory, ProductFactory, RegistrationFactory
from tests.factories.service_desk import KnowledgeArticleFactory, TicketFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Operations whose valid-looking input can still be refused with a 400 for a reason no schema
# can express: a slug, id or username naming an object that does not exist (a generated
# "product": "x0"), or a domain rule on the current state (a ticket transition, a post that was
# already decided). For these the "schema-valid request rejected" check would only report
# correct 400s; every other check still runs on them.
REFERENCE_OR_STATE_RULES = {
    "POST /api/v1/auth/token/",  # credentials of no account
    "GET /api/v1/posts/",  # ?cursor= is opaque: only the value of a next/previous link is valid
    "POST /api/v1/webhooks/",  # the URL must resolve to a public address
    "POST /api/v1/posts/",
    "PUT /api/v1/posts/{id}/",
    "PATCH /api/v1/posts/{id}/",
    "POST /api/v1/posts/{id}/status/",
    "POST /api/v1/polls/{id}/answers/",
    "POST /api/v1/registrations/",
    "POST /api/v1/tickets/",
    "PATCH /api/v1/tickets/{number}/",
    "POST /api/v1/tickets/{number}/rating/",
    "POST /api/v1/projects/",
    "PATCH /api/v1/projects/{slug}/",
    "POST /api/v1/projects/{project_slug}/invitations/",
}


@pytest.fixture
def _keep_test_connection():
    """Each WSGI request would close the test transaction's connection at its start and end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, _keep_test_connection, settings):
    """A staff user holding every role (so most code paths are reachable) and some data."""
    # Made again for each operation: a fast hasher keeps that cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(username="fuzzer", role=Role.AGENT, is_staff=True, is_superuser=True)
    for role in (Role.DESIGNER, Role.PARTNER_MEMBER, Role.CUSTOMER):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    product = ProductFactory()
    PartFactory()
    RegistrationFactory(customer=user, product=product)
    PostFactory(product=product, author=user)
    TicketFactory(customer=user, product=product)
    KnowledgeArticleFactory()
    PartnerFactory()
    ProjectFactory()
    ApplicationFactory(applicant=user)
    return api_token_create(user=user, name="fuzzing")[1]


@schema.parametrize()
@hypothesis_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_documented(case, api_token):
    excluded = (
        [positive_data_acceptance] if case.operation.label in REFERENCE_OR_STATE_RULES else []
    )
    case.call_and_validate(
        headers={"Authorization": f"Token {api_token}"}, excluded_checks=excluded
    )
