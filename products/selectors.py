"""Reads of the catalog shared by pages and the API; each carries its joins in one place."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cocreate.accounts.own_page import OwnItems
from cocreate.core.i18n import localized_columns
from cocreate.core.search import prefix_query, websearch_text

from .models import Part, Product, ProductLine, Registration, ValueAddedService

SEARCH_CONFIG = "english"
# Deeper chains than this are a data error (a loop); the walk stops there instead of spinning.
MAX_GENERATIONS = 50


# --- Products -----------------------------------------------------------------------------------


def products_with_neighbours() -> QuerySet[Product]:
    """Products with their line, predecessor and successor joined in the same query."""
    return Product.objects.select_related("line", "predecessor", "successor")


def _search_query(text: str) -> SearchQuery | None:
    """What the user typed, as a tsquery: their own words (websearch syntax: quotes, -word, or)
    or, so results appear while typing, every word as a prefix ("auro" finds "Aurora")."""
    prefixes = prefix_query(text, config=SEARCH_CONFIG, limit=8)
    if prefixes is None:
        return None
    typed = SearchQuery(websearch_text(text), search_type="websearch", config=SEARCH_CONFIG)
    return typed | prefixes


def product_search(
    *, q: str = "", status: str = "", line: ProductLine | None = None
) -> QuerySet[Product]:
    """Products matching the catalog filters, grouped by line, best matches first in a line.

    The match runs on `Product.search_vector` (a generated tsvector column with a GIN index), so
    it costs one indexed lookup whatever the catalog size.
    """
    products = products_with_neighbours()
    if line is not None:
        products = products.filter(line=line)
    if status:
        products = products.filter(status=status)
    query = _search_query(q.strip()) if q else None
    if query is None:
        return products.order_by("line__position", "line__name", "generation", "name")
    return (
        products.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("line__position", "line__name", "-rank", "generation", "name")
    )


def product_status_counts(*, line: ProductLine | None = None) -> dict[str, int]:
    """How many products each lifecycle status holds (for the filter tabs), in one query."""
    products = Product.objects.all() if line is None else Product.objects.filter(line=line)
    rows = products.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def product_lines() -> QuerySet[ProductLine]:
    return ProductLine.objects.annotate(product_count=Count("products")).order_by(
        "position", "name"
    )


# The product page shows this many compatible parts and links to the parts page for the rest.
PRODUCT_PAGE_PARTS = 12


# Who offers a part or a service: the partners app, a floor above, registers per catalog model a
# function of the row's pk (an OuterRef) returning the active partners' {name, slug} by name.
_partners_listed: dict[type, Callable[[OuterRef], QuerySet]] = {}


def register_partners_listed(model: type, partners: Callable[[OuterRef], QuerySet]) -> None:
    _partners_listed[model] = partners


def _with_partners(queryset: QuerySet) -> QuerySet:
    """Annotate the partners behind each row as `partners_listed` ([{name, slug}]), read in the
    same query; unchanged while no app registered them for the row's model."""
    partners = _partners_listed.get(queryset.model)
    if partners is None:
        return queryset
    return queryset.annotate(partners_listed=ArraySubquery(partners(OuterRef("pk"))))


def product_for_page(slug: str) -> Product:
    """One product with everything its page shows, in a fixed number of queries.

    `product.part_count` counts every compatible part; `product.featured_parts` holds the first
    PRODUCT_PAGE_PARTS of them (a sliced prefetch, so a product with hundreds of parts costs the
    same). Raises Product.DoesNotExist.
    """
    part_count = (
        Part.compatible_products.through.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        products_with_neighbours()
        .annotate(part_count=Coalesce(Subquery(part_count), 0))
        .prefetch_related(
            Prefetch(
                "compatible_parts",
                queryset=_with_partners(Part.objects).order_by("kind", "name", "id")[
                    :PRODUCT_PAGE_PARTS
                ],
                to_attr="featured_parts",
            ),
            Prefetch(
                "services",
                queryset=_with_partners(ValueAddedService.objects).order_by("kind", "price"),
            ),
        )
        .get(slug=slug)
    )


_GENERATIONS_SQL = """
WITH RECURSIVE
  older(id, predecessor_id, step) AS (
    SELECT id, predecessor_id, 0 FROM products_product WHERE id = %(id)s
    UNION ALL
    SELECT p.id, p.predecessor_id, older.step - 1
      FROM products_product p JOIN older ON p.id = older.predecessor_id
     WHERE older.step > -%(limit)s
  ),
  newer(id, step) AS (
    SELECT id, 0 FROM products_product WHERE id = %(id)s
    UNION ALL
    SELECT p.id, newer.step + 1
      FROM products_product p JOIN newer ON p.predecessor_id = newer.id
     WHERE newer.step < %(limit)s
  ),
  chain(id, step) AS (
    SELECT id, step FROM older UNION SELECT id, step FROM newer
  )
SELECT p.id, {names}, p.slug, p.generation, p.status, p.launch_date, p.illustration, p.image,
       p.line_id, MIN(chain.step) AS step
  FROM chain JOIN products_product p ON p.id = chain.id
 GROUP BY p.id
 ORDER BY step
"""


def product_generations(product: Product) -> list[Product]:
    """The product's whole generation chain, oldest first, the product itself included.

    One recursive query walks predecessors and successors however long the chain is; the step
    limit keeps a (forbidden but possible) loop in the data from running forever.
    """
    # The name in every language (products/translation.py), for the reader's and its fallback.
    names = ", ".join(f"p.{column}" for column in localized_columns("name"))
    rows = Product.objects.raw(
        _GENERATIONS_SQL.format(names=names), {"id": product.pk, "limit": MAX_GENERATIONS}
    )
    chain: list[Product] = []
    seen: set[int] = set()
    for row in rows:
        if row.pk not in seen:  # a loop would list a product at two steps
            seen.add(row.pk)
            chain.append(row)
    return chain


def product_options() -> QuerySet[Product]:
    """Products for a choice list: name and slug only."""
    return Product.objects.select_related("line").only(
        "id", "name", "slug", "status", "line__name", "line__position"
    )


def products_with_parts() -> QuerySet[Product]:
    """The products some part fits: what the parts page's "Fits" filter offers."""
    fitted = Part.compatible_products.through.objects.filter(product=OuterRef("pk"))
    return product_options().filter(Exists(fitted))


def registrable_products() -> QuerySet[Product]:
    return product_options().filter(status__in=Product.REGISTRABLE_STATUSES)


# Ideas adopted into a product: the community app, a floor above, registers a function of a
# product returning them all, most supported first, as a queryset (sliced or paged here). Each
# idea offers `title`, `language` (the one it is written in), `vote_count`, `get_absolute_url()`,
# `get_kind_display()`, `kind`, `credited` (the people credited for it, author first: each with
# `name`, `url` and `is_author`) and `latest_answer` (the team's latest public answer, with
# `message_html`, `created_at` and `author`, or None).
_cocreated_ideas: Callable[[Product], QuerySet] | None = None


def register_cocreated_ideas(ideas: Callable[[Product], QuerySet]) -> None:
    global _cocreated_ideas
    _cocreated_ideas = ideas


def product_cocreated_ideas(product: Product, *, limit: int = 6) -> list:
    """Community ideas adopted into this product ("co-created"), most supported first; none
    while no app registered them."""
    if _cocreated_ideas is None:
        return []
    return list(_cocreated_ideas(product)[:limit])


def product_changelog(product: Product) -> QuerySet | list:
    """Every idea adopted into this product, most supported first, to page through: once it is
    released, the changelog of what it shipped. Empty while no app registered them."""
    if _cocreated_ideas is None:
        return []
    return _cocreated_ideas(product)


# --- Parts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartFilters:
    kind: str = ""
    compatible_with: Product | None = None


def part_list(filters: PartFilters = PartFilters(), *, ships_in: bool = False) -> QuerySet[Part]:
    """Parts with the products they fit (name and slug only) and, with `ships_in`, those that
    leave the factory with them (the parts page shows both), ordered by kind then name."""
    products = Product.objects.only("id", "name", "slug").order_by("generation", "name")
    parts = _with_partners(Part.objects).prefetch_related(
        Prefetch("compatible_products", queryset=products)
    )
    if ships_in:
        parts = parts.prefetch_related(Prefetch("ships_in", queryset=products))
    if filters.kind:
        parts = parts.filter(kind=filters.kind)
    if filters.compatible_with is not None:
        parts = parts.filter(compatible_products=filters.compatible_with)
    return parts.order_by("kind", "name", "id")


@dataclass(frozen=True)
class PartDemand:
    """How the community's builds use catalog parts, for the partners who supply them.

    Community and partners are siblings that never import each other, so community registers
    this from its AppConfig.ready() (`register_part_demand`) and partners reads it here. Builds
    count only while everyone may see them. `part_ids` is a list or a values() queryset of part
    pks; times are aware datetimes, ranges are half-open [start, end).

    - `popular_builds(part_ids, limit=n)`: the most voted builds listing any of `part_ids`;
    - `counts(part_ids, start=, end=, previous_start=)` → {part pk: {"builds", "quantity",
      "votes", "builds_previous", "votes_previous"}}: builds created and votes cast on builds
      listing the part in [start, end), and in [previous_start, start); two queries;
    - `totals(part_ids, start=, end=, previous_start=)` → the same figures over distinct builds
      and votes (a build listing two of the parts counts once); two queries;
    - `series(part_ids, start=, end=, unit=, tzinfo=, part_id=None)` → ({bucket: builds},
      {bucket: votes}, {bucket: the part's builds}, {bucket: the part's votes}), the buckets being
      the starts of the `unit` ("week" or "month") in `tzinfo`; two queries.
    """

    popular_builds: Callable[..., QuerySet]
    counts: Callable[..., dict]
    totals: Callable[..., dict]
    series: Callable[..., tuple]


_part_demand: PartDemand | None = None


def register_part_demand(
    *, popular_builds: Callable, counts: Callable, totals: Callable, series: Callable
) -> None:
    global _part_demand
    _part_demand = PartDemand(popular_builds, counts, totals, series)


def part_demand() -> PartDemand | None:
    """The registered demand, or None when no app lists parts in builds."""
    return _part_demand


@dataclass(frozen=True)
class PartTickets:
    """The after-sales tickets about catalog parts, for the partners who supply them.

    The service desk stands above partners, so it registers this from its AppConfig.ready()
    (`register_part_tickets`) and partners reads it here. Over tickets created in [start, end):

    - `annotate(rows, part=path, start=, end=)` adds `tickets_mentioning` to rows that reach a
      part through `path`: the subject or description names the part's SKU or its name (in any
      language) as a phrase; one query;
    - `per_product(product_ids, start=, end=)` → {(product pk, category): tickets}; one query;
    - `categories()` → {part kind: (the ticket category related to it, its label)}: a part's
      tickets "in its category" are those on the products it fits or ships in, in that category.
    """

    annotate: Callable[..., QuerySet]
    per_product: Callable[..., dict]
    categories: Callable[[], dict]


_part_tickets: PartTickets | None = None


def register_part_tickets(*, annotate: Callable, per_product: Callable, categories: Callable):
    global _part_tickets
    _part_tickets = PartTickets(annotate, per_product, categories)


def part_tickets() -> PartTickets | None:
    """The registered ticket counts, or None when no app files tickets."""
    return _part_tickets


def part_products(part_ids) -> dict[int, set[int]]:
    """{part pk: pks of the products it fits or ships in}, in one query."""
    fits = Part.compatible_products.through.objects.filter(part_id__in=part_ids).values_list(
        "part_id", "product_id"
    )
    ships = Part.ships_in.through.objects.filter(part_id__in=part_ids).values_list(
        "part_id", "product_id"
    )
    products: dict[int, set[int]] = {}
    for part_id, product_id in fits.union(ships):
        products.setdefault(part_id, set()).add(product_id)
    return products


def installed_base(product_ids, *, start, end) -> list[Product]:
    """The products `product_ids` (a list or a values() queryset), oldest line and generation
    first, each with `units` (registered units) and `units_in_period` (registered in [start,
    end)); one query."""
    return list(
        Product.objects.filter(pk__in=product_ids)
        .select_related("line")
        .annotate(
            units=Count("registrations"),
            units_in_period=Count(
                "registrations",
                filter=Q(registrations__created_at__gte=start, registrations__created_at__lt=end),
            ),
        )
        .order_by("line__position", "generation", "name", "pk")
    )


# --- Registrations ------------------------------------------------------------------------------


def registrations_of(customer) -> QuerySet[Registration]:
    """A customer's registered units, newest first, with product and line."""
    if not getattr(customer, "is_authenticated", False):
        return Registration.objects.none()
    return (
        Registration.objects.filter(customer=customer)
        .select_related("product", "product__line")
        .order_by("-created_at", "-id")
    )


def registration_of(customer, pk: int) -> Registration:
    """One of the customer's own registrations; another customer's raises DoesNotExist."""
    return registrations_of(customer).get(pk=pk)


def customer_owns(customer, product: Product) -> bool:
    if not getattr(customer, "is_authenticated", False):
        return False
    return Registration.objects.filter(customer=customer, product=product).exists()


def own_units(customer, limit: int) -> OwnItems:
    """The own page's units (cocreate/accounts/own_page.py): the newest `limit`, each knowing
    whether it is under warranty today, and how many there are (two queries)."""
    registrations = registrations_of(customer)
    items = list(registrations[:limit])
    today = timezone.localdate()
    for registration in items:
        registration.warranty_active = registration.under_warranty(today)
    return OwnItems(registrations.count(), items)
