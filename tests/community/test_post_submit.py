"""post_submit, the one way pages and the API publish a member's post: checked, counted, created."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cocreate.core.ratelimit import RateLimited
from community import services
from community.models import Post
from tests.factories.accounts import customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return customer(date_joined=timezone.now() - timedelta(days=365))


@pytest.fixture
def one_post_an_hour(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"community_post": "1/hour"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}


def _submit(member, product, **changes):
    content = {"kind": "question", "title": "Which case fits?", "body": "Any advice?"}
    return services.post_submit(author=member, product=product, **content | changes)


def test_a_post_past_the_rate_is_refused_with_the_wait_and_not_saved(
    member, product, one_post_an_hour
):
    _submit(member, product)

    with pytest.raises(RateLimited) as limited:
        _submit(member, product, title="And which charger?")

    assert limited.value.wait > 0
    assert list(Post.objects.values_list("title", flat=True)) == ["Which case fits?"]


def test_content_refused_as_invalid_is_not_counted(member, product, one_post_an_hour):
    with pytest.raises(ValidationError) as refused:
        _submit(member, product, title="?")

    assert "title" in refused.value.message_dict
    assert _submit(member, product).author == member  # the one post of the hour is still free
