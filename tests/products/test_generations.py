import pytest
from django.db import IntegrityError

from products.selectors import MAX_GENERATIONS, product_generations
from tests.factories.products import ProductFactory, generation_chain

pytestmark = pytest.mark.django_db


def test_a_product_alone_is_its_own_timeline():
    product = ProductFactory()

    assert product_generations(product) == [product]


def test_the_chain_is_walked_both_ways_in_one_query(django_assert_num_queries):
    chain = generation_chain(12)

    with django_assert_num_queries(1):
        generations = product_generations(chain[5])

    assert [p.pk for p in generations] == [p.pk for p in chain]


def test_a_loop_in_the_data_ends_the_walk_instead_of_spinning():
    first, second, third = generation_chain(3)
    first.predecessor = third  # what no form allows, but a bulk update could do
    first.save()

    generations = product_generations(second)

    assert {p.pk for p in generations} == {first.pk, second.pk, third.pk}
    assert len(generations) == 3


def test_a_very_long_chain_is_cut_at_the_limit():
    chain = generation_chain(MAX_GENERATIONS + 5)

    generations = product_generations(chain[0])

    assert len(generations) == MAX_GENERATIONS + 1


def test_a_product_cannot_be_its_own_predecessor():
    product = ProductFactory()
    product.predecessor_id = product.pk

    with pytest.raises(IntegrityError):
        product.save()
