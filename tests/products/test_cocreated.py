"""The product page lists community ideas adopted into it, read through the reverse relation
`adopted_posts` that the community app's Post.adopted_in defines (products never imports it)."""

import pytest

from products.models import Product
from tests.factories.accounts import customer
from tests.factories.products import generation_chain

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not hasattr(Product, "adopted_posts"), reason="the community app is not installed"
    ),
]


def _idea(*, product, adopted_in, title, **fields):
    Post = Product.adopted_posts.rel.related_model
    return Post.objects.create(
        product=product,
        author=customer(),
        kind="suggestion",
        title=title,
        body="Please.",
        adopted_in=adopted_in,
        **fields,
    )


def test_product_page_lists_visible_ideas_adopted_into_it(client):
    older, newer = generation_chain(2)
    _idea(
        product=older,
        adopted_in=newer,
        title="Magnetic back plate",
        status="adopted",
        vote_count=42,
    )
    _idea(
        product=older,
        adopted_in=newer,
        title="Hidden idea",
        status="adopted",
        is_hidden=True,
    )
    _idea(product=older, adopted_in=None, title="Still open", status="open")

    html = client.get(newer.get_absolute_url()).content.decode()

    assert "Co-created with the community" in html
    assert "Magnetic back plate" in html and "42 supporters" in html
    assert "Hidden idea" not in html and "Still open" not in html
    assert (
        "Co-created with the community" not in client.get(older.get_absolute_url()).content.decode()
    )
