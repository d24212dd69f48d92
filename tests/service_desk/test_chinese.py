"""The service desk read in Simplified Chinese: customer and agent pages, chart days, and words
that other apps (or Django itself) translate differently."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from service_desk import metrics
from service_desk.forms import ReplyForm
from service_desk.models import TicketEvent
from service_desk.templatetags.service_desk_tags import event_value
from tests.factories.accounts import agent, customer
from tests.factories.service_desk import KnowledgeArticleFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_the_attachments_help_is_read_in_the_viewers_language():
    # The field is built at import time; its help must still follow the active language.
    with translation.override("zh-hans"):
        assert str(ReplyForm().fields["attachments"].help_text).startswith("最多")
    with translation.override("en"):
        assert str(ReplyForm().fields["attachments"].help_text).startswith("Up to")


def test_chart_days_are_written_in_the_readers_language():
    now = timezone.make_aware(datetime.combine(date(2026, 11, 3), time(12)))
    with translation.override("en"):
        assert metrics.desk_metrics(days=7, now=now).by_day[-1][0] == "Nov 3"
    with translation.override("zh-hans"):
        assert metrics.desk_metrics(days=7, now=now).by_day[-1][0] == "11月3日"


def test_words_shared_with_other_catalogues_keep_the_desks_meaning():
    with translation.override("zh-hans"):
        assert str(TicketEvent.Kind.CREATED.label) == "创建工单"
        assert str(TicketEvent.Kind.SLA_BREACHED.label) == "SLA已超时"
        # The article vote buttons have their own context: Django's Yes / No stay 是 / 否.
        assert translation.gettext("Yes") == "是"
        assert translation.pgettext("was the article helpful", "Yes") == "有帮助"


def test_a_customers_ticket_page_reads_in_chinese(client):
    owner = customer(language="zh-hans")
    ticket = TicketFactory(customer=owner, subject="Battery drains overnight")
    client.force_login(owner)

    html = client.get(ticket.get_absolute_url()).content.decode()

    assert "发送回复" in html and "关闭工单" in html
    assert 'data-testid="ticket-status">新建<' in html
    assert "Send reply" not in html and "Up to" not in html


def test_the_desk_queue_and_an_article_read_in_chinese(client):
    TicketFactory(subject="Fan grinding noise")
    article = KnowledgeArticleFactory(title="Reset the router", slug="reset-router")
    client.force_login(agent(language="zh-hans"))

    queue = client.get(reverse("service_desk:desk_queue")).content.decode()
    page = client.get(article.get_absolute_url()).content.decode()

    assert "<h1>工单队列</h1>" in queue and "领取下一个" in queue
    assert "Take next" not in queue
    assert "这篇文章有帮助吗？" in page and "有帮助" in page and "Was this helpful?" not in page


def test_history_values_are_shown_in_the_readers_language_whoever_wrote_them():
    with translation.override("zh-hans"):
        assert event_value("Waiting for the customer") == "等待客户回复"
        assert event_value("From us to the customer: DHL JD01") == "寄给客户: DHL JD01"
        assert event_value("JD01: Delivered") == "JD01: 已签收"
        assert event_value("Quieter fan") == "Quieter fan"
    with translation.override("en"):
        assert event_value("紧急") == "Urgent"
