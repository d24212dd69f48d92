"""The public roadmap: the ideas designers planned, are building or adopted, grouped by the
generation they are planned for, per product and across all products."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from community.models import Post, StatusChange
from tests.factories.accounts import customer, designer
from tests.factories.community import PostFactory
from tests.factories.products import ProductLineFactory, generation_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def nova():
    """Nova 2 on sale (its successor of Nova 1, released), Nova 3 in development."""
    line = ProductLineFactory(name="Nova phones", slug="nova-phones")
    one, two, three = generation_chain(3, line=line)
    for product, name, status in (
        (one, "Nova 1", "discontinued"),
        (two, "Nova 2", "on_sale"),
        (three, "Nova 3", "in_development"),
    ):
        product.name, product.slug, product.status = name, name.lower().replace(" ", "-"), status
        product.save()
    three.launch_date = date(2027, 9, 1)
    three.save()
    return one, two, three


def idea(product, title, *, status="planned", target=None, **fields) -> Post:
    return PostFactory(product=product, title=title, status=status, adopted_in=target, **fields)


def answer(post, message, *, by, when=None) -> StatusChange:
    change = StatusChange.objects.create(
        post=post,
        old_status="under_review",
        new_status=post.status,
        message=message,
        message_html=f"<p>{message}</p>",
        author=by,
    )
    if when:
        StatusChange.objects.filter(pk=change.pk).update(created_at=when)
    return change


def roadmap(client, product=None, **params):
    url = (
        reverse("community:roadmap_product", args=[product.slug])
        if product
        else reverse("community:roadmap")
    )
    return client.get(url, params)


def titles(response) -> list[str]:
    return re.findall(r'data-testid="roadmap-idea-title"[^>]*>([^<]+)<', response.content.decode())


def group_titles(response) -> list[str]:
    return re.findall(
        r'data-testid="roadmap-group-title"[^>]*>\s*(?:<a [^>]*>)?([^<]+?)\s*<',
        response.content.decode(),
    )


def test_the_product_roadmap_groups_its_ideas_by_the_generation_they_are_planned_for(client, nova):
    one, two, three = nova
    idea(two, "Bigger battery", target=three, vote_count=12)
    idea(two, "Wireless charging", status="in_progress", target=three, vote_count=3)
    idea(two, "Quieter fan", status="planned", target=None, vote_count=5)
    idea(one, "USB-C port", status="adopted", target=two, vote_count=40)
    idea(three, "Brighter screen", target=three)  # Nova 3's community's, for Nova 3: not here
    for status in ("open", "under_review", "declined"):
        idea(two, f"An idea {status}", status=status)
    idea(two, "A hidden plan", target=three, is_hidden=True)
    idea(two, "A deleted plan", target=three, is_deleted=True)
    idea(two, "A question", kind="question", target=three)
    idea(one, "Elsewhere", target=None)  # Nova 1's community, for no generation of Nova 2

    response = roadmap(client, two)

    assert response.status_code == 200
    # The coming generation first (in progress, then planned), ideas not scheduled yet, then
    # those a released generation adopted.
    assert group_titles(response) == ["Nova 3", "Not scheduled yet", "Nova 2"]
    assert titles(response) == [
        "Wireless charging",
        "Bigger battery",
        "Quieter fan",
        "USB-C port",
    ]


def test_each_idea_shows_its_votes_and_the_teams_latest_answer(client, nova):
    _one, two, three = nova
    dana = designer(display_name="Dana")
    plan = idea(two, "Bigger battery", target=three, vote_count=12)
    answer(plan, "We are looking at it.", by=dana, when=datetime(2026, 3, 1, tzinfo=UTC))
    answer(plan, "Planned for Nova 3: the cells are ordered.", by=dana)
    answer(plan, "", by=dana)  # a status change without a message is no answer

    html = roadmap(client, two).content.decode()

    assert 'data-testid="roadmap-votes">12<' in html
    assert "Planned for Nova 3: the cells are ordered." in html and "Dana" in html
    assert "We are looking at it." not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_progress"}, ["Wireless charging"]),
        ({"status": "adopted"}, ["USB-C port"]),
        ({"kind": "modification"}, ["Wireless charging"]),
        ({"generation": "nova-3"}, ["Wireless charging", "Bigger battery"]),
        ({"generation": "none"}, ["Quieter fan"]),
        ({"status": "planned", "generation": "nova-3"}, ["Bigger battery"]),
    ],
)
def test_filters(client, nova, params, expected):
    one, two, three = nova
    idea(two, "Bigger battery", target=three, vote_count=12)
    idea(two, "Wireless charging", status="in_progress", target=three, kind="modification")
    idea(two, "Quieter fan")
    idea(one, "USB-C port", status="adopted", target=two)

    assert titles(roadmap(client, two, **params)) == expected


def test_status_tabs_count_and_keep_the_other_filters(client, nova):
    _one, two, three = nova
    idea(two, "Bigger battery", target=three)
    idea(two, "Quieter fan", target=three)
    idea(two, "Wireless charging", status="in_progress", target=three, kind="modification")

    html = roadmap(client, two, kind="suggestion", generation="nova-3").content.decode()

    planned = re.search(
        r'href="\?([^"]*)"[^>]*>\s*Planned\s*<span class="tab-count">2</span>', html
    )
    assert planned, "the Planned tab with its count"
    assert set(planned.group(1).split("&amp;")) == {
        "kind=suggestion",
        "generation=nova-3",
        "status=planned",
    }
    assert re.search(r'In progress\s*<span class="tab-count">0</span>', html)


@pytest.mark.parametrize(
    "params",
    [{"status": "declined"}, {"kind": "question"}, {"generation": "no-such-product"}],
)
def test_a_filter_it_does_not_know_is_a_400_not_an_error(client, nova, params):
    _one, two, three = nova
    idea(two, "Bigger battery", target=three)

    response = roadmap(client, two, **params)

    assert response.status_code == 400
    assert titles(response) == []


def test_an_unknown_product_has_no_roadmap(client):
    assert roadmap(client, type("P", (), {"slug": "no-such-product"})).status_code == 404


def test_the_roadmap_of_all_products_groups_them_by_line_and_generation(client, nova):
    _one, two, three = nova
    speakers = ProductLineFactory(name="Aria speakers", slug="aria-speakers", position=9)
    (aria,) = generation_chain(1, line=speakers)
    idea(two, "Bigger battery", target=three)
    idea(aria, "Stereo pairing", status="in_progress")
    idea(aria, "Hidden plan", is_hidden=True)

    response = roadmap(client)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Nova phones") < html.index("Aria speakers")
    assert titles(response) == ["Bigger battery", "Stereo pairing"]
    assert group_titles(response) == ["Nova 3", "Not scheduled yet"]
    assert f'href="{reverse("community:roadmap_product", args=[three.slug])}"' in html


def test_the_roadmap_reads_in_chinese_and_ideas_keep_their_language(client, nova):
    _one, two, three = nova
    idea(two, "更大的电池", target=three, language="zh-hans")
    idea(two, "Quieter fan", language="en")
    client.force_login(customer(language="zh-hans"))

    html = roadmap(client, two).content.decode()

    assert "路线图" in html and "尚未排期" in html and "已计划" in html
    assert re.search(r'lang="zh-hans"[^>]*>更大的电池<', html)
    assert re.search(r'lang="en"[^>]*>Quieter fan<', html)


def test_the_roadmap_is_linked_from_the_product_pages_and_the_menu(client, nova):
    _one, two, _three = nova
    url = reverse("community:roadmap_product", args=[two.slug])

    product_page = client.get(two.get_absolute_url()).content.decode()
    community_page = client.get(reverse("community:product", args=[two.slug])).content.decode()

    assert f'href="{url}"' in product_page
    assert f'href="{url}"' in community_page
    nav = re.search(r'<nav[^>]*aria-label="Main".*?</nav>', community_page, re.S).group(0)
    assert f'href="{reverse("community:roadmap")}"' in nav


# --- Queries -------------------------------------------------------------------------------------


def grow(lines: int, per_line: int) -> list:
    """`lines` product lines of three generations, each with `per_line` ideas of every roadmap
    status, answered by a designer, and as many that the roadmap leaves out."""
    dana = designer()
    products = []
    for _ in range(lines):
        older, current, coming = generation_chain(3)
        coming.status = "in_development"
        coming.save()
        for number in range(per_line):
            for status, target in (
                ("planned", coming),
                ("in_progress", coming),
                ("adopted", current),
                ("planned", None),
            ):
                post = idea(current, f"Idea {status} {number}", status=status, target=target)
                answer(post, f"Answer to {number}", by=dana)
            idea(current, f"Open idea {number}", status="open")
            idea(older, f"Hidden {number}", target=current, status="adopted", is_hidden=True)
        products.append(current)
    return products


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_roadmap_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, signed_in
):
    # user and unread notifications for a signed-in reader (the session comes from the cache),
    # and their roles (header) the first time, from the cache after
    base = 2 if signed_in else 0
    first = base + 1 if signed_in else 0
    if signed_in:
        client.force_login(customer())
    (product,) = grow(1, 2)
    # product | generations for the filter, status counts, count, ideas, their latest answers
    with django_assert_num_queries(first + 6):
        assert roadmap(client, product).status_code == 200
    with django_assert_num_queries(base + 5):
        assert roadmap(client, status="planned").status_code == 200

    grow(10, 5)  # tenfold and more
    with django_assert_num_queries(base + 6):
        response = roadmap(client, product)
    assert response.status_code == 200
    with django_assert_num_queries(base + 5):
        response = roadmap(client, status="planned")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="roadmap-idea"') == 50  # one page
