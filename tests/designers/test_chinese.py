"""The designers' workspace read in Simplified Chinese: labels, states and chart dates."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from community.models import Post
from designers.models import ReviewItem
from designers.selectors import axis_day
from tests.factories.accounts import designer
from tests.factories.designers import ReviewItemFactory

pytestmark = pytest.mark.django_db


def test_chart_days_follow_the_readers_order():
    with translation.override("en"):
        assert axis_day(date(2026, 11, 3)) == "03/11"
    with translation.override("zh-hans"):
        assert axis_day(date(2026, 11, 3)) == "11/3"


def test_the_queue_reads_in_chinese(client):
    client.force_login(designer(language="zh-hans"))
    ReviewItemFactory(post__title="Quieter fan", reasons=["milestone"])
    ReviewItemFactory(
        state=ReviewItem.State.DECIDED,
        decision=Post.Status.ADOPTED,
        post__kind=Post.Kind.MODIFICATION,
    )

    html = client.get(reverse("designers:queue")).content.decode()

    assert "<h1>评审队列</h1>" in html
    assert "待评审：1" in html and "已决定：1" in html
    assert "达到支持者里程碑" in html
    # The queue's "Support" is an idea's support, not the site's "Service and support" section.
    assert ">支持度</abbr>" in html and "排序方式" in html and "支持度最高" in html
    # The decision is shown by its label, not its code.
    assert "已采纳" in html and ">adopted<" not in html
    assert "Review queue" not in html
