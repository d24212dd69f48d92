import io

import pytest
from django.core.management import call_command

from community.models import Post, StatusChange
from designers.models import Poll, ReviewItem

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_workspace_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    assert ReviewItem.objects.exists()
    assert Post.objects.filter(status="adopted", adopted_in__slug="aurora-4").exists()
    poll = Poll.objects.get()
    assert poll.answers.exists()
    counts = (ReviewItem.objects.count(), StatusChange.objects.count(), poll.answers.count())

    call_command("seed_demo", stdout=io.StringIO())

    assert (
        ReviewItem.objects.count(),
        StatusChange.objects.count(),
        poll.answers.count(),
    ) == counts
