"""The public roadmap: ideas the designers planned, are building or adopted, grouped by the
generation they are planned for (`Post.adopted_in`), per product and across all products.

Reads only, each a fixed number of queries: the page of ideas (with authors, products and the
generation they target), the team's latest answer for each (one query for the page), the
counts per status (one), the generations for the filter (one).
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from products.models import Product, ProductLine

from .models import Post
from .selectors import latest_answer_prefetch

# In the order a roadmap reads: what is being built, what is planned, what was adopted.
ROADMAP_STATUSES = (Post.Status.IN_PROGRESS, Post.Status.PLANNED, Post.Status.ADOPTED)
# Only ideas take a designer's decision.
ROADMAP_KINDS = (Post.Kind.SUGGESTION, Post.Kind.MODIFICATION)
# The generation filter's value for the ideas not planned for a generation yet.
NOT_SCHEDULED = "none"
RELEASED = (Product.Status.ON_SALE, Product.Status.DISCONTINUED)


@dataclass(frozen=True)
class RoadmapFilters:
    status: str = ""  # one of ROADMAP_STATUSES
    kind: str = ""  # one of ROADMAP_KINDS
    generation: str = ""  # a product's slug, or NOT_SCHEDULED


def roadmap_scope(*, product: Product | None = None) -> QuerySet[Post]:
    """The ideas a roadmap shows, everyone may see: of a product's community or planned for it
    (`product`), or of every product."""
    ideas = Post.objects.listed().filter(status__in=ROADMAP_STATUSES, kind__in=ROADMAP_KINDS)
    if product is not None:
        ideas = ideas.filter(Q(product=product) | Q(adopted_in=product))
    return ideas


def _filtered(ideas: QuerySet[Post], filters: RoadmapFilters) -> QuerySet[Post]:
    if filters.kind:
        ideas = ideas.filter(kind=filters.kind)
    if filters.generation == NOT_SCHEDULED:
        ideas = ideas.filter(adopted_in__isnull=True)
    elif filters.generation:
        ideas = ideas.filter(adopted_in__slug=filters.generation)
    return ideas


# Groups of a line, in reading order: generations still to come (the nearest first), the ideas
# not scheduled yet, then released generations (the newest first).
UPCOMING, UNSCHEDULED, SHIPPED = 0, 1, 2


def roadmap_ideas(filters: RoadmapFilters, *, product: Product | None = None) -> QuerySet[Post]:
    """The roadmap's ideas in the order it shows them: by product line, by group (see above),
    then in progress, planned, adopted, and the most supported first. Each idea has its
    `latest_answer` (the team's latest public answer)."""
    ideas = _filtered(roadmap_scope(product=product), filters)
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    group = Case(
        When(adopted_in__isnull=True, then=Value(UNSCHEDULED)),
        When(adopted_in__status__in=RELEASED, then=Value(SHIPPED)),
        default=Value(UPCOMING),
        output_field=IntegerField(),
    )
    generation = Case(
        When(adopted_in__status__in=RELEASED, then=-F("adopted_in__generation")),
        default=F("adopted_in__generation"),
        output_field=IntegerField(),
    )
    status = Case(
        *(When(status=value, then=Value(rank)) for rank, value in enumerate(ROADMAP_STATUSES)),
        output_field=IntegerField(),
    )
    return (
        ideas.select_related("author", "product__line", "adopted_in")
        .prefetch_related(latest_answer_prefetch())
        .annotate(roadmap_group=group, roadmap_generation=generation, roadmap_status=status)
        .order_by(
            "product__line__position",
            "product__line__name",
            "product__line_id",
            "roadmap_group",
            "roadmap_generation",
            "adopted_in_id",
            "roadmap_status",
            "-vote_count",
            "-id",
        )
    )


def roadmap_status_counts(filters: RoadmapFilters, *, product: Product | None = None) -> dict:
    """How many ideas each status tab holds under the other filters. One query."""
    rows = (
        _filtered(roadmap_scope(product=product), filters)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def roadmap_generations(*, product: Product | None = None) -> list[Product]:
    """The generations the filter offers: the product's line's, or every product (with its
    line). One query."""
    products = Product.objects.select_related("line").only(
        "id", "name", "slug", "generation", "line__name", "line__position"
    )
    if product is not None:
        products = products.filter(line_id=product.line_id)
    return list(products.order_by("line__position", "line__name", "line_id", "generation", "name"))


@dataclass
class RoadmapGroup:
    """The ideas of one generation (`target`), or of none yet (`target` None), on a page."""

    target: Product | None
    ideas: list[Post] = field(default_factory=list)

    @property
    def state(self) -> str:
        """ "upcoming", "unscheduled" or "shipped" (the generation is released)."""
        if self.target is None:
            return "unscheduled"
        return "shipped" if self.target.status in RELEASED else "upcoming"


@dataclass
class RoadmapLine:
    line: ProductLine
    groups: list[RoadmapGroup] = field(default_factory=list)


def roadmap_groups(ideas: list[Post]) -> list[RoadmapLine]:
    """A page of `roadmap_ideas` as lines of groups (no query: they come in that order)."""
    lines: list[RoadmapLine] = []
    for idea in ideas:
        line = idea.product.line
        if not lines or lines[-1].line.pk != line.pk:
            lines.append(RoadmapLine(line))
        groups = lines[-1].groups
        if not groups or groups[-1].ideas[-1].adopted_in_id != idea.adopted_in_id:
            groups.append(RoadmapGroup(idea.adopted_in))
        groups[-1].ideas.append(idea)
    return lines
