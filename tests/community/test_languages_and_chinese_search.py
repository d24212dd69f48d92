"""Posts record their language, the feed filters by it, and search finds Chinese words."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community import selectors, services
from community.models import Post
from tests.factories.accounts import customer
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db


def feed_titles(product, **filters) -> list[str]:
    return [p.title for p in selectors.post_feed(selectors.FeedFilters(**filters), product=product)]


@pytest.fixture
def posts(product):
    return {
        "battery": PostFactory(
            product=product, title="电池续航太短", body="充电一晚上就没电了。", language="zh-hans"
        ),
        "apart": PostFactory(
            product=product,
            title="屏幕的颜色",
            body="电话很好，但是游泳池旁边看不清。",  # 电 … 池, never 电池
            language="zh-hans",
        ),
        "english": PostFactory(
            product=product, title="Battery drains overnight", body="Wi-Fi stays on."
        ),
        "mixed": PostFactory(
            product=product, title="USB-C 接口松动", body="The USB-C port wobbles after a month."
        ),
    }


# --- search ----------------------------------------------------------------------------------


def test_a_chinese_word_finds_the_posts_containing_it(product, posts):
    assert feed_titles(product, q="电池") == ["电池续航太短"]


def test_characters_of_a_word_far_apart_do_not_match(product, posts):
    assert "屏幕的颜色" not in feed_titles(product, q="电池")
    assert feed_titles(product, q="游泳池") == ["屏幕的颜色"]


def test_a_longer_chinese_phrase_and_a_single_character_are_found(product, posts):
    assert feed_titles(product, q="续航太短") == ["电池续航太短"]
    assert set(feed_titles(product, q="池")) == {"电池续航太短", "屏幕的颜色"}


def test_english_search_is_unchanged_with_stemming(product, posts):
    assert feed_titles(product, q="draining") == ["Battery drains overnight"]
    assert feed_titles(product, q="wobble") == ["USB-C 接口松动"]


def test_chinese_and_english_in_one_query_must_both_match(product, posts):
    assert feed_titles(product, q="接口 port") == ["USB-C 接口松动"]
    assert feed_titles(product, q="接口 battery") == []


def test_websearch_syntax_still_works_with_chinese(product, posts):
    assert set(feed_titles(product, q="电池 or overnight")) == {
        "电池续航太短",
        "Battery drains overnight",
    }
    assert feed_titles(product, q='"电池续航"') == ["电池续航太短"]
    assert "电池续航太短" not in feed_titles(product, q="池 -电池")


def test_a_title_match_ranks_above_a_body_match(product):
    PostFactory(product=product, title="屏幕问题", body="充电的时候屏幕会闪。")
    PostFactory(product=product, title="充电很慢", body="用原装充电器也很慢。")

    assert feed_titles(product, q="充电") == ["充电很慢", "屏幕问题"]


def test_english_ranking_still_puts_the_title_match_first(product):
    PostFactory(product=product, title="Screen flickers", body="It flickers while charging.")
    PostFactory(product=product, title="Charging is slow", body="Even with the original.")

    assert feed_titles(product, q="charging") == ["Charging is slow", "Screen flickers"]


def test_similar_posts_find_chinese_titles_sharing_a_word(product, posts):
    similar = selectors.similar_posts(product=product, text="新手机的电池不耐用")

    assert [post.title for post in similar] == ["电池续航太短"]


def test_similar_posts_in_english_are_unchanged(product, posts):
    similar = selectors.similar_posts(product=product, text="battery overnight")

    assert [post.title for post in similar] == ["Battery drains overnight"]


def test_the_api_searches_chinese(product, posts):
    response = APIClient().get("/api/v1/posts/", {"product": product.slug, "q": "电池"})

    assert [post["title"] for post in response.json()["results"]] == ["电池续航太短"]


@pytest.mark.parametrize("query", ['"', '"电池', "-", "电池 -", "池 | 电 & !", "电\x00池", "__"])
def test_odd_queries_never_fail(client, product, posts, query):
    response = client.get(reverse("community:product", args=[product.slug]), {"q": query})

    assert response.status_code < 500  # a NUL is refused (400), the rest searches
    assert selectors.similar_posts(product=product, text=query) is not None


# --- language ----------------------------------------------------------------------------------


def test_a_post_in_chinese_is_detected_as_chinese(product):
    post = services.post_create(
        author=customer(), product=product, kind="suggestion", title="希望增加无线充电", body="谢谢"
    )

    assert post.language == "zh-hans"


def test_a_few_chinese_words_in_english_text_stay_english(product):
    post = services.post_create(
        author=customer(),
        product=product,
        kind="suggestion",
        title="Please add wireless charging",
        body="My friends call it 无线充电; it would make the phone much more useful.",
    )

    assert post.language == "en"


def test_the_authors_choice_wins_over_detection(client, product):
    author = customer()
    client.force_login(author)

    client.post(
        reverse("community:post_new", args=[product.slug]),
        {
            "kind": "suggestion",
            "title": "电池 saver mode",
            "body": "省电模式",
            "language": "en",
            "parts-TOTAL_FORMS": "0",
            "parts-INITIAL_FORMS": "0",
        },
    )

    assert Post.objects.get(author=author).language == "en"


def test_the_feed_page_filters_by_language(client, product, posts):
    response = client.get(
        reverse("community:product", args=[product.slug]), {"language": "zh-hans"}
    )

    titles = [post.title for post in response.context["page"].object_list]
    assert sorted(titles) == sorted(["电池续航太短", "屏幕的颜色"])


def test_an_unknown_language_filter_on_the_page_is_bad_input_like_any_filter(
    client, product, posts
):
    response = client.get(reverse("community:product", args=[product.slug]), {"language": "tlh"})

    assert response.status_code == 400
    assert "language" in response.context["form"].errors


def test_the_api_filters_by_language_and_reports_it(product, posts):
    response = APIClient().get("/api/v1/posts/", {"product": product.slug, "language": "en"})

    results = response.json()["results"]
    assert {post["title"] for post in results} == {"Battery drains overnight", "USB-C 接口松动"}
    assert {post["language"] for post in results} == {"en"}


def test_the_api_refuses_an_unknown_language_filter(product):
    response = APIClient().get("/api/v1/posts/", {"product": product.slug, "language": "tlh"})

    assert response.status_code == 400
    assert "language" in response.json()["errors"]


def test_the_api_takes_the_language_or_detects_it(product):
    api = APIClient()
    api.force_authenticate(customer())

    chosen = api.post(
        "/api/v1/posts/",
        {
            "product": product.slug,
            "kind": "question",
            "title": "Hello 你好",
            "body": "谢谢大家",
            "language": "en",
        },
        format="json",
    )
    detected = api.post(
        "/api/v1/posts/",
        {"product": product.slug, "kind": "question", "title": "耳机没有声音", "body": "怎么办？"},
        format="json",
    )
    bad = api.post(
        "/api/v1/posts/",
        {
            "product": product.slug,
            "kind": "question",
            "title": "Hi there",
            "body": "x",
            "language": "xx",
        },
        format="json",
    )

    assert chosen.status_code == 201 and chosen.json()["language"] == "en"
    assert detected.status_code == 201 and detected.json()["language"] == "zh-hans"
    assert bad.status_code == 400 and "language" in bad.json()["errors"]
