"""The designers' workspace read in Simplified Chinese: labels, states and chart dates."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from cocreate.core.dates import day_label
from community.models import Post
from designers.models import ReviewItem
from tests.factories.accounts import designer
from tests.factories.designers import ReviewItemFactory

pytestmark = pytest.mark.django_db


def test_chart_days_read_as_the_readers_language_writes_them():
    with translation.override("en"):
        assert day_label(date(2026, 11, 3)) == "Nov 3"
    with translation.override("zh-hans"):
        assert day_label(date(2026, 11, 3)) == "11月3日"


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
