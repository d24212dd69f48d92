"""Articles in several languages, Chinese search of articles and tickets, and days counted in
the viewer's time zone."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from service_desk import metrics, selectors, services
from service_desk.models import KnowledgeArticle, Ticket
from tests.factories.accounts import agent, customer
from tests.factories.service_desk import KnowledgeArticleFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reset():
    """One article in English with its Chinese translation, and an English-only one."""
    original = KnowledgeArticleFactory(
        title="Reset the router", slug="reset-router", body="Hold the reset button."
    )
    translation = KnowledgeArticleFactory(
        title="重置路由器",
        slug="reset-router-zh",
        body="按住重置按钮十秒钟，电池指示灯会闪烁。",
        language="zh-hans",
        translation_of=original,
    )
    english_only = KnowledgeArticleFactory(
        title="Update the firmware", slug="update-firmware", body="Open the app."
    )
    return original, translation, english_only


def kb_titles(client, reader="en", **params) -> list[str]:
    response = client.get(reverse("service_desk:kb_index"), params, HTTP_ACCEPT_LANGUAGE=reader)
    assert response.status_code == 200
    return sorted(article.title for article in response.context["page"])


def test_the_kb_lists_each_article_once_in_the_readers_language(client, reset):
    assert kb_titles(client, "en") == ["Reset the router", "Update the firmware"]
    assert kb_titles(client, "zh-hans") == ["Update the firmware", "重置路由器"]


def test_a_draft_translation_is_not_offered_to_customers(client, reset):
    original, translation, _other = reset
    KnowledgeArticle.objects.filter(pk=translation.pk).update(status="draft")

    assert kb_titles(client, "zh-hans") == ["Reset the router", "Update the firmware"]


def test_the_kb_filters_by_language(client, reset):
    assert kb_titles(client, "en", language="zh-hans") == ["重置路由器"]
    assert kb_titles(client, "zh-hans", language="en") == [
        "Reset the router",
        "Update the firmware",
    ]


def test_a_search_lists_every_matching_version_and_finds_chinese_words(client, reset):
    assert kb_titles(client, "en", q="重置") == ["重置路由器"]
    assert kb_titles(client, "en", q="电池") == ["重置路由器"]
    assert kb_titles(client, "en", q="池电") == []  # the characters, not in this order
    assert kb_titles(client, "zh-hans", q="reset") == ["Reset the router"]


def test_the_article_page_offers_the_other_languages_and_the_readers_version(client, reset):
    original, translation, _other = reset

    response = client.get(original.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert [v.slug for v in response.context["versions"]] == ["reset-router-zh"]
    assert response.context["in_reader_language"] == translation
    assert 'data-testid="article-in-your-language"' in html
    assert translation.get_absolute_url() in html


def test_an_english_reader_of_the_original_gets_no_notice(client, reset):
    original, _translation, _other = reset

    response = client.get(original.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["in_reader_language"] is None
    assert [v.slug for v in response.context["versions"]] == ["reset-router-zh"]


def test_saving_detects_the_language_and_links_the_translation(reset):
    _original, _translation, english_only = reset

    article = services.article_save(
        author=agent(),
        title="更新固件",
        body="打开应用程序，然后点击更新。",
        category=english_only.category,
        translation_of=english_only,
        language="",
    )

    assert article.language == "zh-hans"
    assert article.translation_of == english_only


def test_a_translation_of_a_translation_belongs_to_the_original(reset):
    original, translation, _other = reset

    with pytest.raises(ValidationError) as error:
        services.article_save(
            author=agent(),
            title="重启路由器",
            body="拔掉电源再插上。",
            category=original.category,
            translation_of=translation,  # checked against the original's versions
            language="zh-hans",
        )

    assert "This article already has a version in this language." in str(error.value)


def test_one_version_per_language(reset):
    original, _translation, _other = reset

    with pytest.raises(ValidationError) as error:
        services.article_save(
            author=agent(),
            title="另一个翻译",
            body="内容",
            category=original.category,
            translation_of=original,
            language="zh-hans",
        )
    assert "This article already has a version in this language." in str(error.value)

    with pytest.raises(ValidationError) as error:
        services.article_save(
            author=agent(),
            title="Reset again",
            body="Same language as the original.",
            category=original.category,
            translation_of=original,
            language="en",
        )
    assert "language" in error.value.message_dict


def test_an_original_with_translations_cannot_become_a_translation(reset):
    original, _translation, english_only = reset
    KnowledgeArticle.objects.filter(pk=english_only.pk).update(language="zh-hans")
    english_only.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.article_save(
            author=agent(),
            article=original,
            title=original.title,
            body=original.body,
            category=original.category,
            translation_of=english_only,
            language="en",
        )
    assert "translation_of" in error.value.message_dict


def test_translate_it_opens_the_form_filled_in_for_a_translation(client, reset):
    original, translation, _other = reset
    client.force_login(agent())

    response = client.get(
        reverse("service_desk:desk_article_new"), {"translation_of": translation.slug}
    )

    form = response.context["form"]
    assert form.initial["translation_of"] == original.slug
    assert form.initial["category"] == original.category


def test_an_agent_saves_a_translation_from_the_form(client, reset):
    _original, _translation, english_only = reset
    client.force_login(agent())

    response = client.post(
        reverse("service_desk:desk_article_new"),
        {
            "title": "更新固件",
            "category": english_only.category,
            "body": "打开应用程序。",
            "status": "published",
            "language": "",
            "translation_of": english_only.slug,
        },
    )

    assert response.status_code == 302
    version = KnowledgeArticle.objects.get(title="更新固件")
    assert (version.language, version.translation_of) == ("zh-hans", english_only)


def test_suggestions_while_filing_find_chinese_and_prefer_the_readers_language(reset):
    _original, translation, _other = reset

    chinese = selectors.article_suggestions(product=None, text="路由器的电池灯一直闪")
    both = selectors.article_suggestions(product=None, text="reset 重置", reader_language="zh-hans")

    assert chinese == [translation]
    assert both[0] == translation


def test_the_api_reports_and_filters_languages(reset):
    api = APIClient()

    english = api.get("/api/v1/kb/articles/").json()["results"]
    for_a_chinese_reader = api.get(
        "/api/v1/kb/articles/", headers={"accept-language": "zh-Hans"}
    ).json()["results"]
    chinese = api.get("/api/v1/kb/articles/", {"language": "zh-hans"}).json()["results"]
    bad = api.get("/api/v1/kb/articles/", {"language": "xx"})

    # Each article once, in the caller's language when it has that version, as on the page.
    assert {a["slug"]: a["translation_of"] for a in english} == {
        "reset-router": None,
        "update-firmware": None,
    }
    assert {a["slug"]: a["translation_of"] for a in for_a_chinese_reader} == {
        "reset-router-zh": "reset-router",
        "update-firmware": None,
    }
    assert [(a["slug"], a["language"]) for a in chinese] == [("reset-router-zh", "zh-hans")]
    assert bad.status_code == 400 and "language" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("param", "message"), [("language", "Unknown language."), ("category", "Unknown category.")]
)
def test_the_kb_page_and_the_api_refuse_an_unknown_value_alike(client, reset, param, message):
    # When a reader asks for an unknown language (or category) with a search, on the page and
    # in the API
    page = client.get(reverse("service_desk:kb_index"), {param: "xx", "q": "firmware"})
    api = APIClient().get("/api/v1/kb/articles/", {param: "xx", "q": "firmware"})

    # Then the API is a 400 and the page says the same on the field, leaves that filter out and
    # still searches (it dropped every filter and listed the whole base)
    assert api.status_code == 400
    assert api.json()["errors"][param] == [message]
    assert page.status_code == 200
    assert f'<p class="error">{message}</p>' in page.content.decode()
    assert [article.title for article in page.context["page"]] == ["Update the firmware"]


def test_popular_answers_on_the_support_page_are_in_the_readers_language(client, reset):
    def popular(reader):
        response = client.get(reverse("service_desk:home"), HTTP_ACCEPT_LANGUAGE=reader)
        return sorted(article.title for article in response.context["popular"])

    # Each article once, in the reader's language when it has that version
    assert popular("en") == ["Reset the router", "Update the firmware"]
    assert popular("zh-hans") == ["Update the firmware", "重置路由器"]


# --- tickets -----------------------------------------------------------------------------------


def test_agents_find_a_chinese_ticket_by_a_chinese_word():
    TicketFactory(subject="手机充电很慢", description="用原装充电器也要三个小时。")
    TicketFactory(subject="The screen flickers", description="Since the update.")

    found = selectors.ticket_queue(selectors.QueueFilters(q="充电", include_done=True))
    english = selectors.ticket_queue(selectors.QueueFilters(q="flickering", include_done=True))

    assert [t.subject for t in found] == ["手机充电很慢"]
    assert [t.subject for t in english] == ["The screen flickers"]


def test_the_desk_counts_tickets_per_day_in_the_viewers_time_zone():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    ticket = TicketFactory()
    # 1 March 20:30 UTC is already 2 March in Shanghai.
    Ticket.objects.filter(pk=ticket.pk).update(created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))

    with timezone.override("UTC"):
        utc_days = [count for _label, count in metrics.desk_metrics(days=7, now=now).by_day]
    with timezone.override("Asia/Shanghai"):
        shanghai_days = [count for _label, count in metrics.desk_metrics(days=7, now=now).by_day]

    assert utc_days[-2:] == [1, 0]  # yesterday in UTC
    assert shanghai_days[-2:] == [0, 1]  # today in Shanghai


def test_a_customer_sees_the_ticket_time_in_their_time_zone(client):
    owner = customer(time_zone="Asia/Shanghai")
    ticket = TicketFactory(customer=owner)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
    client.force_login(owner)

    html = client.get(reverse("service_desk:ticket_detail", args=[ticket.number])).content.decode()

    assert "Mar 2, 2026, 04:30" in html
    assert "Mar 1, 2026, 20:30" not in html
