"""Search forgives (docs/search.md, "Search that forgives"): typos, prefixes, any of the words,
English and Chinese, and an empty result offers to post the idea."""

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from cocreate.core.models import SearchWord
from cocreate.core.vocabulary import refresh_vocabulary
from community import selectors
from tests.factories.accounts import customer
from tests.factories.community import PostFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(product):
    made = {
        "cap": PostFactory(
            product=product,
            title="Let us cap charging at 80%",
            body="Keeping the battery below full makes it age slower.",
        ),
        "charger": PostFactory(
            product=product, title="Charger gets hot", body="The brick is too warm to touch."
        ),
        "drain": PostFactory(
            product=product, title="Battery drains overnight", body="Wi-Fi stays on."
        ),
        "chinese": PostFactory(
            product=product, title="电池续航太短", body="充电一晚上就没电了。", language="zh-hans"
        ),
        "mixed": PostFactory(
            product=product, title="USB-C 接口松动", body="The USB-C port wobbles after a month."
        ),
    }
    refresh_vocabulary()
    return made


def search(product, q):
    return selectors.searched_feed(selectors.FeedFilters(q=q), product=product)


def titles(result) -> set[str]:
    return {post.title for post in result.posts}


def page(client, product, q):
    return client.get(reverse("community:product", args=[product.slug]), {"q": q})


# --- typos ---------------------------------------------------------------------------------------


def test_a_typo_is_corrected_and_said_with_the_query_kept(client, product, posts):
    response = page(client, product, "batery")
    html = response.content.decode()

    forgiven = response.context["forgiven"]
    assert forgiven.corrected == "battery" and not forgiven.any_words
    assert {post.title for post in response.context["page"].object_list} == {
        "Let us cap charging at 80%",
        "Battery drains overnight",
    }
    assert "Showing results for <strong>battery</strong>" in html
    assert 'value="batery"' in html  # the search box keeps what was typed


def test_a_chinese_reader_is_told_in_chinese(client, settings, product, posts):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    html = page(client, product, "batery").content.decode()

    assert "没有与“batery”匹配的结果。以下是<strong>battery</strong>的结果。" in html


def test_a_swap_and_two_edits_in_a_long_word_are_corrected(product, posts):
    assert search(product, "overnihgt").forgiven.corrected == "overnight"
    assert search(product, "baterry drains").forgiven.corrected == "battery drains"


def test_a_word_that_matches_is_never_corrected(product, posts):
    # "charges" matches through its stem ("charging"), though it is not written anywhere
    result = search(product, "charges")
    assert result.forgiven is None and titles(result) >= {"Let us cap charging at 80%"}
    # a typo written in a post is a word that matches: found as typed
    PostFactory(product=product, title="Batery cover is loose", body="Rattles.")
    refresh_vocabulary()
    result = search(product, "batery")
    assert result.forgiven is None and titles(result) == {"Batery cover is loose"}


def test_in_a_query_of_several_words_only_the_one_matching_nothing_is_corrected(product, posts):
    result = search(product, "charging batery")

    assert result.forgiven.corrected == "charging battery"
    assert titles(result) == {"Let us cap charging at 80%"}


def test_a_word_matching_through_its_stem_is_never_corrected(product, posts):
    from cocreate.core.search import corrected_text

    # "charges" is written nowhere, but its lexeme is charging's; "limit" has no neighbour
    assert corrected_text("charges limit", config="english") == ""
    assert corrected_text("charges limt", config="english") == ""


def test_a_word_far_from_every_known_word_is_not_corrected(product, posts):
    assert search(product, "zeppelin").forgiven is None


def test_quoted_or_excluding_queries_are_taken_as_written(product, posts):
    assert search(product, '"batery"').forgiven is None
    assert search(product, "drains -batery").forgiven is None


@pytest.mark.parametrize(
    "query",
    ["batry_x", "foo:* batery", "ab & cd | !ef", "x!y:*", "émile batery", "___ zzz", "a:b", "\\"],
)
def test_odd_queries_are_forgiven_without_failing(client, product, posts, query):
    assert page(client, product, query).status_code == 200


# --- prefixes ------------------------------------------------------------------------------------


def test_the_last_word_is_a_prefix_while_typing(product, posts):
    result = search(product, "charg")

    assert result.forgiven is None
    assert titles(result) == {"Let us cap charging at 80%", "Charger gets hot"}
    assert titles(search(product, "battery dra")) == {"Battery drains overnight"}


def test_a_short_last_word_is_not_a_prefix(product, posts):
    assert search(product, "wo").match_count == 0  # not "wobbles"


# --- any of the words ----------------------------------------------------------------------------


def test_when_all_the_words_find_nothing_any_of_them_does(client, product, posts):
    response = page(client, product, "charge limit")
    html = response.content.decode()

    forgiven = response.context["forgiven"]
    assert forgiven.any_words and not forgiven.corrected
    assert [post.title for post in response.context["page"].object_list][0] == (
        "Let us cap charging at 80%"
    )
    assert "Showing results that match some of them" in html
    assert 'value="charge limit"' in html


def test_a_corrected_query_that_still_finds_nothing_falls_back_to_any_word(product, posts):
    result = search(product, "batery teleport")

    assert result.forgiven.corrected == "battery teleport" and result.forgiven.any_words
    assert titles(result) == {"Let us cap charging at 80%", "Battery drains overnight"}


def test_the_fallback_ranks_posts_matching_more_words_first(product, posts):
    result = search(product, "battery overnight limit")

    assert [post.title for post in result.posts][0] == "Battery drains overnight"


# --- Chinese and mixed ---------------------------------------------------------------------------


def test_a_chinese_word_that_matches_is_searched_as_before(product, posts):
    result = search(product, "电池")

    assert result.forgiven is None and titles(result) == {"电池续航太短"}


def test_chinese_words_fall_back_to_any_of_them(product, posts):
    # 充电器 (charger) is in no post; 电池 (battery) is
    assert titles(search(product, "电池 充电器")) == {"电池续航太短"}
    # one run without spaces: any of its two-character sequences (电池 is one)
    result = search(product, "电池很差")
    assert result.forgiven.any_words and titles(result) == {"电池续航太短"}


def test_a_single_chinese_word_that_matches_nothing_finds_nothing(product, posts):
    result = search(product, "键盘")  # keyboard

    assert result.forgiven is None and result.match_count == 0


def test_a_mixed_query_corrects_the_english_and_keeps_the_chinese(product, posts):
    PostFactory(product=product, title="换电池 battery swap", body="简单。")
    refresh_vocabulary()

    result = search(product, "batery 电池")

    assert result.forgiven.corrected == "battery 电池" and not result.forgiven.any_words
    assert titles(result) == {"换电池 battery swap"}


def test_a_mixed_query_falls_back_to_any_of_its_words(product, posts):
    result = search(product, "接口 teleport")

    assert result.forgiven.any_words and titles(result) == {"USB-C 接口松动"}


def test_a_mixed_query_with_a_prefix(product, posts):
    assert titles(search(product, "USB wobb")) == {"USB-C 接口松动"}


# --- the empty result offers to post the idea ----------------------------------------------------


def test_an_empty_result_offers_the_new_post_form_with_the_text_carried(client, product, posts):
    client.force_login(customer())

    response = page(client, product, "teleport module")

    new_post = reverse("community:post_new", args=[product.slug])
    assert response.context["post_it"] == [
        {"product": product, "url": f"{new_post}?{urlencode({'title': 'teleport module'})}"}
    ]
    html = response.content.decode()
    assert 'data-testid="post-it"' in html and "Post it as a new idea" in html


def test_a_signed_out_reader_is_offered_the_sign_in_that_returns_to_the_form(
    client, product, posts
):
    response = page(client, product, "teleport module")

    new_post = reverse("community:post_new", args=[product.slug])
    next_url = f"{new_post}?{urlencode({'title': 'teleport module'})}"
    [offer] = response.context["post_it"]
    assert offer["url"] == f"{reverse('account_login')}?{urlencode({'next': next_url})}"
    assert "Sign in to post it as a new idea" in response.content.decode()
    # following it: the sign-in page, then the form it returns to
    login = client.get(offer["url"])
    assert login.status_code == 200 and login.context["redirect_field_value"] == next_url


def test_the_line_page_offers_each_of_its_products(client, product, posts):
    other = ProductFactory(line=product.line, name="Nova Phone 4", slug="nova-phone-4")

    response = client.get(
        reverse("community:line", args=[product.line.slug]), {"q": "teleport module"}
    )

    assert [offer["product"] for offer in response.context["post_it"]] == sorted(
        [product, other], key=lambda each: each.pk
    )
    assert "Post it in Nova Phone 4" not in response.content.decode()  # signed out
    assert "Sign in to post it in Nova Phone 4" in response.content.decode()


def test_no_offer_when_something_matches(client, product, posts):
    assert "post_it" not in page(client, product, "battery").context


def test_the_new_post_form_takes_the_carried_title_as_plain_text(client, product):
    client.force_login(customer())
    url = reverse("community:post_new", args=[product.slug])

    response = client.get(url, {"title": '<script>alert("x")</script>\nsecond line'})

    html = response.content.decode()
    assert response.context["form"]["title"].value() == '<script>alert("x")</script> second line'
    assert "<script>alert" not in html
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; second line"' in html


def test_the_carried_title_is_cut_to_the_title_length(client, product):
    from community.services import TITLE_MAX_LENGTH

    client.force_login(customer())
    url = reverse("community:post_new", args=[product.slug])

    response = client.get(url, {"title": "x" * 1000})

    assert response.context["form"]["title"].value() == "x" * TITLE_MAX_LENGTH


# --- the vocabulary ------------------------------------------------------------------------------


def vocabulary() -> dict[str, tuple]:
    return {
        row.word: (row.lexeme, row.frequency, tuple(row.variants))
        for row in SearchWord.objects.all()
    }


def test_the_vocabulary_holds_the_words_of_the_listed_posts_and_articles(product, posts):
    from tests.factories.service_desk import KnowledgeArticleFactory

    hidden = PostFactory(product=product, title="Secretword hidden", body="x")
    hidden.is_hidden = True
    hidden.save()
    KnowledgeArticleFactory(title="Firmware rollback", body="Hold the button.")
    KnowledgeArticleFactory(title="Draftonly article", body="x", status="draft")
    refresh_vocabulary()

    words = vocabulary()
    assert words["battery"][:2] == ("batteri", 2)
    assert "batery" in words["battery"][2] and "battery" in words["battery"][2]
    assert {"charging", "overnight", "rollback"} <= set(words)
    # no hidden post, draft, stop word ("below", "after"), short word, or Chinese
    assert not {"secretword", "draftonly", "below", "after", "cap", "电池续航太短"} & set(words)
    assert not any("电" in word for word in words)


def test_refreshing_the_vocabulary_is_idempotent_and_follows_the_texts(product, posts):
    first = vocabulary()
    assert refresh_vocabulary() == 0 and vocabulary() == first

    posts["drain"].is_deleted = True
    posts["drain"].save()
    PostFactory(product=product, title="Battery swap", body="Swapping is easy.")
    changed = refresh_vocabulary()

    words = vocabulary()
    assert "overnight" not in words and "drains" not in words  # only in the deleted post
    assert {"swap", "swapping", "easy"} <= set(words)
    assert words["battery"][1] == 2  # still two: one post gone, one new
    assert changed == 3 + 3  # removed: drains, overnight, stays; added: swap, swapping, easy
    assert refresh_vocabulary() == 0


# --- the knowledge base forgives too -------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 20])
def test_the_knowledge_base_forgives_in_a_bounded_number_of_queries(
    client, django_assert_num_queries, n
):
    from tests.factories.service_desk import KnowledgeArticleFactory

    KnowledgeArticleFactory.create_batch(n)  # "How to reset the router …"
    refresh_vocabulary()
    url = reverse("service_desk:kb_index")

    # the page's three (tests/service_desk/test_knowledge_base.py), the vocabulary, the corrected
    # words (LIMIT 1), and the count of the page that shows them
    with django_assert_num_queries(3 + 3):
        response = client.get(url, {"q": "ruoter"})
    assert response.context["forgiven"].corrected == "router"
    assert len(response.context["page"]) == min(n, 20)
    assert "Showing results for <strong>router</strong>" in response.content.decode()
    # … and any of the words (LIMIT 1)
    with django_assert_num_queries(3 + 4):
        response = client.get(url, {"q": "ruoter teleport"})
    assert response.context["forgiven"].any_words
    # the words as typed match: as before
    with django_assert_num_queries(3):
        response = client.get(url, {"q": "rout"})  # a prefix
    assert response.context["forgiven"] is None and len(response.context["page"]) == min(n, 20)


def test_the_knowledge_base_search_and_its_forgiving_live_in_one_selector():
    from service_desk import selectors as desk_selectors
    from tests.factories.service_desk import KnowledgeArticleFactory

    KnowledgeArticleFactory.create_batch(3)  # "How to reset the router …"
    refresh_vocabulary()

    typed = desk_selectors.searched_articles("router", page_number=1)
    assert typed.forgiven is None and len(typed.page) == 3
    corrected = desk_selectors.searched_articles("ruoter", page_number=1)
    assert corrected.forgiven.corrected == "router" and len(corrected.page) == 3
    nothing = desk_selectors.searched_articles("teleport", page_number=1)
    assert nothing.forgiven is None and len(nothing.page) == 0
