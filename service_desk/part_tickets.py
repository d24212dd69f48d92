"""Tickets about catalog parts: what a partner's demand page counts per part it supplies.

Registered in the catalog's contract (`products.selectors.register_part_tickets`, from apps.py):
partners stand below the desk and read the counts there. Two counts per part, over tickets
created in a period:

- *mentioning*: the ticket's subject or description (its `search_vector`, GIN-indexed) contains
  the part's SKU, its English name or its Chinese name as a phrase (`phraseto_tsquery`, the
  Chinese one with a space around each Han character, as the vector is built: docs/search.md);
- *in the related category*: the ticket is on a product the part fits or ships in, and filed in
  the category that part's kind leads customers to (PART_KIND_CATEGORY).
"""

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, F, Func, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from cocreate.core.i18n import localized_columns
from cocreate.core.search import SpacedHan
from products.models import Part

from .models import Ticket
from .models.choices import SEARCH_CONFIG, Category

# Which ticket category is about a part of each kind: a spare part or a component is fitted or
# replaced (upgrade and maintenance); an accessory is bought after asking whether it suits the
# product (consultation). One place, documented in docs/partners.md.
PART_KIND_CATEGORY = {
    Part.Kind.SPARE_PART: Category.UPGRADE_MAINTENANCE,
    Part.Kind.COMPONENT: Category.UPGRADE_MAINTENANCE,
    Part.Kind.ACCESSORY: Category.CONSULTATION,
}


def categories() -> dict[str, tuple[str, str]]:
    """{part kind: (its related ticket category, that category's label)}."""
    return {kind: (category.value, category.label) for kind, category in PART_KIND_CATEGORY.items()}


def _phrase(expression) -> SearchQuery:
    return SearchQuery(expression, search_type="phrase", config=SEARCH_CONFIG)


def annotate(rows, *, part: str, start, end):
    """Add `tickets_mentioning` to rows that reach a part through `part`: tickets created in
    [start, end) whose subject or description names the part; one query whatever the number of
    rows (a GIN index lookup per row)."""
    mention = _phrase(OuterRef(f"{part}__sku"))
    for column in localized_columns("name"):  # the name in every language it is written in
        mention |= _phrase(SpacedHan(Coalesce(OuterRef(f"{part}__{column}"), Value(""))))
    tickets = Ticket.objects.filter(
        created_at__gte=start, created_at__lt=end, search_vector=mention
    )
    count = tickets.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return rows.annotate(tickets_mentioning=Coalesce(Subquery(count), 0))


def per_product(product_ids, *, start, end) -> dict[tuple[int, str], int]:
    """{(product pk, category): tickets created in [start, end)} for `product_ids`; one query
    on the (product, category, created_at) index. A part's tickets in its related category are
    the sum over its products (a ticket is on one product, so none counts twice)."""
    rows = (
        Ticket.objects.filter(product_id__in=product_ids, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("product_id", "category")
        .annotate(n=Count("pk"))
    )
    return {(row["product_id"], row["category"]): row["n"] for row in rows}
