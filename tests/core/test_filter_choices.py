"""Filters offer only values that exist: every list page's selects hold the values its rows
have (a value with no data is not offered; one with data is), and an old link to a value
without data still shows an empty page, not an error."""

import pytest
from django.urls import reverse

from community.models import Post
from designers.models import ReviewItem
from partners.models import Partner, PartnerKind
from products.models import Part, Product
from service_desk.models import Category, KnowledgeArticle
from tests.conftest import clear_cache
from tests.factories.accounts import customer, designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.partners import PartnerFactory
from tests.factories.products import PartFactory, ProductFactory
from tests.factories.service_desk import KnowledgeArticleFactory

pytestmark = pytest.mark.django_db


def _offered(response, field: str) -> list[str]:
    return [value for value, _label in response.context["form"].fields[field].choices if value]


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()  # the feed's choices are cached for a few seconds


def test_the_community_feed_offers_the_kinds_statuses_and_languages_its_posts_have(client):
    product = ProductFactory()
    PostFactory(product=product, kind=Post.Kind.QUESTION, language="zh-hans")
    PostFactory(product=ProductFactory(line=product.line), kind=Post.Kind.FEEDBACK)

    response = client.get(reverse("community:product", args=[product.slug]))

    assert _offered(response, "kind") == [Post.Kind.QUESTION]
    assert _offered(response, "status") == [Post.Status.OPEN]
    assert _offered(response, "language") == ["zh-hans"]
    assert "Question (1)" in response.content.decode()


def test_the_line_feed_offers_the_kinds_of_every_product_of_the_line(client):
    product = ProductFactory()
    PostFactory(product=product, kind=Post.Kind.QUESTION)
    PostFactory(product=ProductFactory(line=product.line), kind=Post.Kind.FEEDBACK)
    PostFactory(kind=Post.Kind.MODIFICATION)  # another line

    response = client.get(reverse("community:line", args=[product.line.slug]))

    assert sorted(_offered(response, "kind")) == [Post.Kind.FEEDBACK, Post.Kind.QUESTION]


def test_a_link_to_a_kind_without_posts_shows_an_empty_feed_that_keeps_the_choice(client):
    product = ProductFactory()
    PostFactory(product=product, kind=Post.Kind.QUESTION)

    response = client.get(reverse("community:product", args=[product.slug]), {"kind": "feedback"})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "feedback" in _offered(response, "kind")


def test_the_catalog_shows_a_lifecycle_tab_only_for_statuses_with_products(client):
    ProductFactory(status=Product.Status.ON_SALE)

    tabs = client.get(reverse("products:catalog")).context["status_tabs"]

    assert [tab["value"] for tab in tabs] == ["", Product.Status.ON_SALE]


def test_the_parts_page_offers_the_products_a_part_fits(client):
    fitted, bare = ProductFactory(), ProductFactory()
    PartFactory(kind=Part.Kind.COMPONENT, compatible_with=[fitted])

    response = client.get(reverse("products:parts"))

    assert [p.slug for p in response.context["form"].fields["compatible_with"].queryset] == [
        fitted.slug
    ]
    assert bare.name not in response.content.decode()


def test_the_knowledge_base_offers_the_products_categories_and_languages_of_its_articles(
    client,
):
    with_articles, without = ProductFactory(name="Beacon Mesh"), ProductFactory(name="Nova")
    KnowledgeArticleFactory(product=with_articles, category=Category.LOGISTICS)
    KnowledgeArticleFactory(
        category=Category.CONSULTATION, status=KnowledgeArticle.Status.DRAFT
    )  # a draft: customers do not see it

    response = client.get(reverse("service_desk:kb_index"))

    assert _offered(response, "product") == [with_articles.slug]
    assert _offered(response, "category") == [Category.LOGISTICS]
    assert _offered(response, "language") == ["en"]
    assert without.name not in response.content.decode()


def test_a_link_to_a_product_without_articles_is_no_error(client):
    KnowledgeArticleFactory(product=ProductFactory())

    response = client.get(reverse("service_desk:kb_index"), {"product": ProductFactory().slug})

    assert response.status_code == 200
    assert not response.context["form"].errors


def test_the_designers_queue_offers_the_products_and_states_of_its_items(client):
    item = ReviewItemFactory()
    ProductFactory(name="Nothing to review")
    client.force_login(designer())

    response = client.get(reverse("designers:queue"))

    products = response.context["form"].fields["product"].queryset
    assert [product.pk for product in products] == [item.product_id]
    assert _offered(response, "state") == [ReviewItem.State.NEW]
    assert "Nothing to review" not in response.content.decode()


def test_the_partner_directory_offers_the_kinds_capabilities_and_certifications_partners_have(
    client,
):
    PartnerFactory(kind=PartnerKind.SUPPLIER, capabilities=["pcb_assembly"], certifications=[])
    PartnerFactory(
        kind=PartnerKind.UNIVERSITY,
        capabilities=["materials_research"],
        status=Partner.Status.SUSPENDED,
    )  # not listed: its values are not offered

    response = client.get(reverse("partners:directory"))

    assert _offered(response, "kind") == [PartnerKind.SUPPLIER]
    assert _offered(response, "capability") == ["pcb_assembly"]
    assert _offered(response, "certification") == []
    assert "Supplier (1)" in response.content.decode()


def test_a_directory_link_to_a_kind_without_partners_shows_an_empty_result(client):
    PartnerFactory(kind=PartnerKind.SUPPLIER)

    response = client.get(reverse("partners:directory"), {"kind": PartnerKind.UNIVERSITY})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert PartnerKind.UNIVERSITY in _offered(response, "kind")


def test_a_customer_sees_no_kind_or_status_the_feed_does_not_have(client):
    client.force_login(customer())
    product = ProductFactory()
    PostFactory(product=product)

    html = client.get(reverse("community:product", args=[product.slug])).content.decode()

    assert 'value="question"' not in html and 'value="adopted"' not in html
