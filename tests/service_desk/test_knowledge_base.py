import pytest
from django.urls import reverse

from service_desk import services
from service_desk.models import ArticleVote, Category, KnowledgeArticle
from tests.factories.accounts import agent, customer, designer, staff
from tests.factories.service_desk import KnowledgeArticleFactory

pytestmark = pytest.mark.django_db


def test_search_ranks_title_matches_first(client):
    KnowledgeArticleFactory(title="Battery care", body="Charge to 80 % for a long battery life.")
    KnowledgeArticleFactory(title="Screen care", body="A soft cloth. Also mind the battery.")

    html = client.get(reverse("service_desk:kb_index"), {"q": "battery"}).content.decode()

    assert html.index("Battery care") < html.index("Screen care")


def test_index_filters_by_product_and_category(client, product):
    KnowledgeArticleFactory(title="For the router", product=product)
    KnowledgeArticleFactory(title="Shipping times", product=product, category=Category.LOGISTICS)

    html = client.get(
        reverse("service_desk:kb_index"),
        {"product": product.slug, "category": Category.LOGISTICS},
    ).content.decode()

    assert "Shipping times" in html and "For the router" not in html


def test_index_runs_a_fixed_number_of_queries(client, product, django_assert_num_queries):
    KnowledgeArticleFactory.create_batch(2, product=product)
    url = reverse("service_desk:kb_index")
    with django_assert_num_queries(3):
        client.get(url)
    KnowledgeArticleFactory.create_batch(15, product=product)
    with django_assert_num_queries(3):
        client.get(url)
    with django_assert_num_queries(4):  # + the product of the filter
        client.get(url, {"q": "reset router", "product": product.slug, "page": 1})


def test_drafts_are_hidden_from_customers_and_shown_to_agents(client, alice, sam):
    draft = KnowledgeArticleFactory(title="Unreleased fix", status="draft")

    client.force_login(alice)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Unreleased fix" not in client.get(reverse("service_desk:kb_index")).content.decode()

    client.force_login(sam)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_votes_count_once_per_person_and_can_change(client, alice, bob):
    article = KnowledgeArticleFactory()
    client.force_login(alice)
    url = reverse("service_desk:kb_vote", args=[article.slug])

    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})
    services.article_vote(article=article, user=bob, helpful=False)
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 1)

    response = client.post(url, {"helpful": "no"}, headers={"HX-Request": "true"})
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (0, 2)
    assert ArticleVote.objects.count() == 2
    assert 'id="article-votes"' in response.content.decode()


def test_voting_needs_a_login(client):
    article = KnowledgeArticleFactory()

    response = client.post(reverse("service_desk:kb_vote", args=[article.slug]), {"helpful": "yes"})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.helpful_count == 0


def test_agents_write_sanitised_markdown(client, sam, product):
    client.force_login(sam)

    client.post(
        reverse("service_desk:desk_article_new"),
        {
            "title": "Factory reset",
            "product": product.pk,
            "category": Category.TECHNICAL_SUPPORT,
            "body": "1. Hold **reset**\n\n<img src=x onerror=alert(1)>[x](javascript:alert(1))",
            "status": "published",
        },
    )

    article = KnowledgeArticle.objects.get()
    assert "<strong>reset</strong>" in article.body_html
    assert "<img" not in article.body_html  # raw HTML is shown as text, never as a tag
    assert 'href="javascript' not in article.body_html
    assert article.published_at is not None

    client.post(
        reverse("service_desk:desk_article_edit", args=[article.slug]),
        {
            "title": "Factory reset (all models)",
            "category": Category.TECHNICAL_SUPPORT,
            "body": "Hold *reset*.",
            "status": "published",
        },
    )
    article.refresh_from_db()
    assert article.title == "Factory reset (all models)"
    assert article.slug == "factory-reset"  # links keep working
    assert article.product is None
    assert "<em>reset</em>" in article.body_html


def test_same_title_gets_a_distinct_slug(sam):
    first = services.article_save(
        author=sam, title="Reset", body="a", category=Category.CONSULTATION
    )
    second = services.article_save(
        author=sam, title="Reset", body="b", category=Category.CONSULTATION
    )

    assert (first.slug, second.slug) == ("reset", "reset-2")


@pytest.mark.parametrize("make_user", [customer, designer, agent, staff])
def test_writing_articles_is_offered_exactly_to_those_the_desk_editor_lets_in(client, make_user):
    """The index's "Write an article" and an article's "Edit this article" follow the desk's
    rule (service_desk.permissions.is_desk_agent), as the editor itself does."""
    article = KnowledgeArticleFactory()
    client.force_login(make_user())

    index = client.get(reverse("service_desk:kb_index")).content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    allowed = client.get(reverse("service_desk:desk_article_new")).status_code == 200

    assert ("Write an article" in index) == allowed
    assert ("Edit this article" in page) == allowed
