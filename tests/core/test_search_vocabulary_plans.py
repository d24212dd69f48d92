"""The lookups of the search that forgives use their indexes at 1x and 10x the data, in a fixed
number of queries (docs/search.md, "Search that forgives")."""

import json
import random
import string

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cocreate.core.models import SearchWord
from cocreate.core.search import any_words_query, typing_query, websearch_query
from cocreate.core.vocabulary import corrections, variants
from community.models import Post
from tests.factories.accounts import customer

pytestmark = pytest.mark.django_db


def plan_of(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    nodes, todo = [], [(json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def scans(nodes, relation: str) -> set[str]:
    """How each node reading `relation` reads it: "Seq Scan", "Bitmap Heap Scan", …"""
    return {node["Node Type"] for node in nodes if node.get("Relation Name") == relation}


def indexes_used(nodes) -> set[str]:
    return {node["Index Name"] for node in nodes if "Index Name" in node}


def random_word(rng) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 12)))


def make_vocabulary(size: int) -> None:
    rng = random.Random(size)
    words = {random_word(rng) for _ in range(size)}
    words |= {"battery", "charging"}
    SearchWord.objects.bulk_create(
        SearchWord(word=word, lexeme=word, frequency=rng.randint(1, 50), variants=variants(word))
        for word in words
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_searchword")


@pytest.mark.parametrize("size", [2_000, 20_000])
def test_the_typo_lookup_is_one_query_on_the_vocabulary_indexes(size):
    make_vocabulary(size)

    with CaptureQueriesContext(connection) as captured:
        found = corrections(["batery", "chargign", "zzzzqqq"])

    assert found == {"batery": "battery", "chargign": "charging"}
    assert len(captured) == 1
    nodes = plan_of(captured[0]["sql"])
    assert "Seq Scan" not in scans(nodes, "core_searchword"), nodes
    assert {"core_searchword_variants", "core_searchword_lexeme"} <= indexes_used(nodes)


def make_posts(count: int) -> None:
    author = customer()
    from tests.factories.products import ProductFactory

    product = ProductFactory()
    rng = random.Random(count)
    Post.objects.bulk_create(
        Post(
            product=product,
            author=author,
            # a few posts about charging, the others about anything else
            title=" ".join(["charging" if i % 500 == 0 else "screen", random_word(rng)]),
            body=" ".join(random_word(rng) for _ in range(12)),
            body_html="",
        )
        for i in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE community_post")


def post_plan(query) -> list[dict]:
    sql, params = (
        Post.objects.filter(search_vector=query).order_by().values("pk").query.sql_with_params()
    )
    return plan_of(sql, params)


FORGIVING_QUERIES = pytest.mark.parametrize(
    "make_query",
    [
        lambda: typing_query("charg", config="english"),
        lambda: typing_query("电池 charg", config="english"),
        lambda: any_words_query("charge limit 电池", config="english"),
    ],
    ids=["prefix", "mixed-prefix", "any-words"],
)


@pytest.mark.parametrize("count", [300, 3_000])
@FORGIVING_QUERIES
def test_the_search_index_answers_prefix_and_any_word_searches(count, make_query):
    make_posts(count)

    # no operator of theirs defeats the index: with sequential scans priced out, it is used
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        nodes = post_plan(make_query())
    assert "Seq Scan" not in scans(nodes, "community_post")
    assert "post_search_idx" in indexes_used(nodes)


@FORGIVING_QUERIES
def test_a_selective_forgiving_search_is_read_through_the_index(make_query):
    make_posts(3_000)  # "charging" in 6 of them

    assert scans(post_plan(make_query()), "community_post") == {"Bitmap Heap Scan"}
    assert scans(post_plan(websearch_query("charging", config="english")), "community_post") == {
        "Bitmap Heap Scan"
    }


def test_the_refresh_reads_each_text_once_and_stems_each_distinct_word_once():
    from cocreate.core.vocabulary import refresh_vocabulary

    make_posts(300)
    with CaptureQueriesContext(connection) as captured:
        refresh_vocabulary()
    [statement] = [query["sql"] for query in captured if "WITH texts" in query["sql"]]
    nodes = plan_of(statement)

    assert [
        node["Node Type"] for node in nodes if node.get("Relation Name") == "community_post"
    ] == ["Seq Scan"]
    split = [node for node in nodes if node.get("Function Name") == "regexp_split_to_table"]
    assert split and not any("to_tsvector" in node.get("Filter", "") for node in split)
