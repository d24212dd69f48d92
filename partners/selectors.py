"""Reads of the partner directory shared by pages and the API; each carries its joins."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from cocreate.core.search import prefix_query, websearch_text

from .models import Application, CollaborationProject, Membership, Partner, Provision, Supply
from .taxonomy import areas_serving

SEARCH_CONFIG = "english"

# Columns a directory card or API row never shows: left out of list queries.
_LIST_DEFERRED = ("search_vector",)


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    NEWEST = "newest"


def search_query(text: str) -> SearchQuery | None:
    """What the user typed (websearch syntax) or, so a partial word finds something, each word as
    a prefix: "robo" finds "Robotics"."""
    prefixes = prefix_query(text, config=SEARCH_CONFIG, limit=8)
    if prefixes is None:
        return None
    typed = SearchQuery(websearch_text(text), search_type="websearch", config=SEARCH_CONFIG)
    return typed | prefixes


def partner_directory(
    *,
    q: str = "",
    kind: str = "",
    country: str = "",
    serves: str = "",
    capability: str = "",
    certification: str = "",
    verified: bool | None = None,
    sort: str = Sort.RELEVANCE,
    base: QuerySet[Partner] | None = None,
) -> QuerySet[Partner]:
    """Active partners matching the directory filters, in the chosen order.

    Every filter is an indexed lookup (GIN on the arrays and the search vector, B-tree on status
    with kind or country), and a card needs no other table, so a page costs two queries (count and
    rows) at any directory size.
    """
    partners = (base if base is not None else Partner.objects.active()).defer(*_LIST_DEFERRED)
    if kind:
        partners = partners.filter(kind=kind)
    if country:
        partners = partners.filter(country=country)
    if serves:
        partners = partners.filter(regions_served__overlap=areas_serving(serves))
    if capability:
        partners = partners.filter(capabilities__contains=[capability])
    if certification:
        partners = partners.filter(certifications__contains=[certification])
    if verified is not None:
        partners = partners.filter(verified=verified)
    query = search_query(q.strip()) if q else None
    if query is not None:
        partners = partners.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    if sort == Sort.NAME:
        return partners.order_by("name", "pk")
    if sort == Sort.NEWEST:
        return partners.order_by("-created_at", "-pk")
    if query is not None:
        return partners.order_by("-rank", "name", "pk")
    return partners.order_by("-verified", "name", "pk")


def _active_partners() -> QuerySet[Partner]:
    return Partner.objects.active().defer(*_LIST_DEFERRED).order_by("name")


def _projects_with_relations() -> QuerySet[CollaborationProject]:
    return CollaborationProject.objects.prefetch_related(
        Prefetch("partners", queryset=_active_partners()),
        "products",
    )


def partner_for_page(*, slug: str, user) -> Partner:
    """One partner with what its page shows (parts, services, projects), for a viewer allowed
    to see it. Raises Partner.DoesNotExist otherwise (pending or suspended: members and staff)."""
    return (
        Partner.objects.visible_to(user)
        .prefetch_related(
            Prefetch("supplies", queryset=Supply.objects.select_related("part")),
            Prefetch("provisions", queryset=Provision.objects.select_related("service")),
            Prefetch("projects", queryset=_projects_with_relations()),
        )
        .get(slug=slug)
    )


def partner_for_api(*, user) -> QuerySet[Partner]:
    return Partner.objects.visible_to(user).defer("search_vector", "description_html")


def _count_per_partner(model) -> Coalesce:
    """How many `model` rows the row's partner has, as a correlated subquery: counting two joins
    at once would multiply members by supplies before DISTINCT undid it."""
    rows = (
        model.objects.filter(partner=OuterRef("partner_id"))
        .order_by()
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def memberships_of(user) -> QuerySet[Membership]:
    """The user's memberships with their partner and its member and supply counts, one query."""
    return (
        Membership.objects.filter(user=user)
        .select_related("partner")
        .annotate(
            member_count=_count_per_partner(Membership),
            supply_count=_count_per_partner(Supply),
        )
        .order_by("partner__name")
    )


def members_of(partner: Partner) -> QuerySet[Membership]:
    return partner.memberships.select_related("user").order_by("role", "user__username")


def open_invitations_of(partner: Partner):
    return partner.invitations.filter(accepted_at__isnull=True).select_related("invited_by")


def application_queue(*, status: str = Application.Status.PENDING) -> QuerySet[Application]:
    """Applications to review, oldest first so no one waits forever; decided ones newest first."""
    applications = Application.objects.select_related("applicant", "decided_by")
    if status:
        applications = applications.filter(status=status)
    if status == Application.Status.PENDING:
        return applications.order_by("created_at", "pk")
    return applications.order_by("-created_at", "-pk")


def applications_of(user) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user).select_related("partner")


def project_list(*, kind: str = "", status: str = "") -> QuerySet[CollaborationProject]:
    projects = _projects_with_relations()
    if kind:
        projects = projects.filter(kind=kind)
    if status:
        projects = projects.filter(status=status)
    return projects.order_by(F("start_date").desc(nulls_last=True), "-created_at", "pk")


def project_for_page(*, slug: str) -> CollaborationProject:
    """Raises CollaborationProject.DoesNotExist."""
    return _projects_with_relations().get(slug=slug)


# --- Demand: how the community uses the partner's parts ------------------------------------------

TOP_MODIFICATIONS = 5


def _post_part_model():
    """community.PostPart, or None while the community app has no such model."""
    try:
        return apps.get_model("community", "PostPart")
    except LookupError:
        return None


def partner_demand(*, partner: Partner) -> dict:
    """For each part the partner supplies: how many community modifications list it, in what
    total quantity, and how many votes those builds collected; plus the most popular builds.

    Counts only modifications everyone can see (not hidden, not deleted). Two aggregate queries
    whatever the number of posts, read through the reverse relation of `community.PostPart.part`
    (community sits below partners, so partners may read it).
    """
    post_part = _post_part_model()
    supplies = Supply.objects.filter(partner=partner).select_related("part")
    if post_part is None:
        return {"available": False, "rows": list(supplies), "top_posts": []}
    uses = post_part._meta.get_field("part").related_query_name()  # "post_uses"
    post = f"part__{uses}__post"
    post_model = post_part._meta.get_field("post").related_model
    counted = Q(**{f"{post}__kind": "modification"}) & post_model.listed_via(post)
    rows = supplies.annotate(
        modification_count=Count(post, filter=counted, distinct=True),
        total_quantity=Coalesce(Sum(f"part__{uses}__quantity", filter=counted), 0),
        total_votes=Coalesce(Sum(f"{post}__vote_count", filter=counted), 0),
    ).order_by("-modification_count", "-total_votes", "part__name")
    top_posts = (
        post_model.objects.listed()
        .filter(
            kind="modification",
            pk__in=post_part.objects.filter(part__supplies__partner=partner).values("post_id"),
        )
        .select_related("product")
        .order_by("-vote_count", "-pk")[:TOP_MODIFICATIONS]
    )
    return {"available": True, "rows": list(rows), "top_posts": list(top_posts)}


def product_collaborators(product_id: int) -> QuerySet:
    """Members of active partners in a planned or active collaboration project on the product.

    They count as on the product's team for its webhook events (tickets, decisions on posts).
    """
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            partner_memberships__partner__status=Partner.Status.ACTIVE,
            partner_memberships__partner__projects__products=product_id,
            partner_memberships__partner__projects__status__in=[
                CollaborationProject.Status.PLANNED,
                CollaborationProject.Status.ACTIVE,
            ],
        )
        .distinct()
    )
