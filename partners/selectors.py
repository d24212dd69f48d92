"""Reads of the partner directory shared by pages and the API; each carries its joins."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject

from cocreate.core.search import prefix_query, websearch_text

from .models import (
    Application,
    CollaborationProject,
    Membership,
    Milestone,
    Partner,
    ProjectFile,
    ProjectInvitation,
    ProjectUpdate,
    Provision,
    Supply,
)
from .permissions import can_manage_project
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


@dataclass(frozen=True)
class DirectoryFacets:
    """How many active partners have each kind, country, capability, certification and profile
    language: what the directory's filters offer (only values some partner has)."""

    kinds: dict[str, int]
    countries: dict[str, int]
    capabilities: dict[str, int]
    certifications: dict[str, int]
    languages: dict[str, int]


def directory_facets() -> DirectoryFacets:
    """The directory's facets in one query: a grouped count per filter over the active
    partners, the lists joined with UNION ALL (the arrays unnested)."""
    active = Partner.objects.active().order_by()

    def grouped(facet: str, value):
        return (
            active.annotate(facet=Value(facet), value=value)
            .values_list("facet", "value")
            .annotate(n=Count("pk"))
        )

    def unnest(name: str):
        return Func(F(name), function="unnest", output_field=CharField())

    rows = grouped("kinds", F("kind")).union(
        grouped("countries", F("country")),
        grouped("capabilities", unnest("capabilities")),
        grouped("certifications", unnest("certifications")),
        grouped("languages", F("language")),
        all=True,
    )
    facets = {
        "kinds": {},
        "countries": {},
        "capabilities": {},
        "certifications": {},
        "languages": {},
    }
    for facet, value, n in rows:
        facets[facet][value] = n
    return DirectoryFacets(**facets)


def partner_directory(
    *,
    q: str = "",
    kind: str = "",
    country: str = "",
    language: str = "",
    serves: str = "",
    capability: str = "",
    certification: str = "",
    verified: bool | None = None,
    sort: str = Sort.RELEVANCE,
    base: QuerySet[Partner] | None = None,
) -> QuerySet[Partner]:
    """Active partners matching the directory filters, in the chosen order.

    Every filter is an indexed lookup (GIN on the arrays and the search vector, B-tree on status
    with kind or country; the profile's language, one of a handful, narrows the others' rows), and
    a card needs no other table, so a page costs two queries (count and rows) at any directory size.
    """
    partners = (base if base is not None else Partner.objects.active()).defer(*_LIST_DEFERRED)
    if kind:
        partners = partners.filter(kind=kind)
    if country:
        partners = partners.filter(country=country)
    if language:
        partners = partners.filter(language=language)
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


def _with_relations(projects: QuerySet[CollaborationProject]) -> QuerySet[CollaborationProject]:
    return projects.prefetch_related(
        Prefetch("partners", queryset=_active_partners()),
        "products",
    )


def partner_for_page(*, slug: str, user) -> Partner:
    """One partner with what its page shows (parts, services, projects), for a viewer allowed
    to see it. Raises Partner.DoesNotExist otherwise (pending or suspended: members and staff).
    Its private projects are listed only to those who may see them (`projects_visible_to`)."""
    return (
        Partner.objects.visible_to(user)
        .prefetch_related(
            Prefetch("supplies", queryset=Supply.objects.select_related("part")),
            Prefetch("provisions", queryset=Provision.objects.select_related("service")),
            Prefetch("projects", queryset=_with_relations(projects_visible_to(user))),
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


def projects_visible_to(user) -> QuerySet[CollaborationProject]:
    """Public projects, and the private ones `user` may see: all for staff; those of the
    partners they are a member of; those a partner they own is invited to (its summary, to
    decide). Each is annotated `readable`: False where they see the summary only, as
    `permissions.can_read_project` says."""
    projects = CollaborationProject.objects.all()
    if not user.is_authenticated:
        return projects.filter(is_public=True).annotate(readable=Value(True))
    if user.is_staff:
        return projects.annotate(readable=Value(True))
    on_project = CollaborationProject.partners.through.objects.filter(
        partner__memberships__user=user
    ).values("collaborationproject_id")
    invited = ProjectInvitation.objects.filter(
        status=ProjectInvitation.Status.PENDING,
        partner__memberships__user=user,
        partner__memberships__role=Membership.Role.OWNER,
    ).values("project_id")
    readable = Q(is_public=True) | Q(pk__in=on_project)
    return projects.filter(readable | Q(pk__in=invited)).annotate(
        readable=ExpressionWrapper(readable, output_field=BooleanField())
    )


def project_list(*, user, kind: str = "", status: str = "") -> QuerySet[CollaborationProject]:
    """The projects `user` may see (`projects_visible_to`), with their active partners and
    products."""
    projects = _with_relations(projects_visible_to(user))
    if kind:
        projects = projects.filter(kind=kind)
    if status:
        projects = projects.filter(status=status)
    return projects.order_by(F("start_date").desc(nulls_last=True), "-created_at", "pk")


def project_for_page(*, slug: str, user) -> CollaborationProject:
    """One project `user` may see, with its active partners and products. Raises
    CollaborationProject.DoesNotExist otherwise (a private project to an outsider)."""
    return _with_relations(projects_visible_to(user)).get(slug=slug)


def project_summary(*, pk: int) -> CollaborationProject:
    """A project with its active partners and products whoever asks: only for what an invited
    partner's owners decide on (the invitation page), never as a project's page."""
    return _with_relations(CollaborationProject.objects.all()).get(pk=pk)


def open_project_invitations(project: CollaborationProject) -> QuerySet[ProjectInvitation]:
    """A project's invitations waiting for an answer, oldest first, for its managers."""
    return (
        project.invitations.filter(status=ProjectInvitation.Status.PENDING)
        .select_related("partner", "invited_by")
        .order_by("created_at", "pk")
    )


def open_project_invitations_of(partner: Partner) -> QuerySet[ProjectInvitation]:
    """The projects `partner` is invited to and has not answered, newest first (its owners'
    dashboard)."""
    return (
        partner.project_invitations.filter(status=ProjectInvitation.Status.PENDING)
        .select_related("project", "invited_by")
        .order_by("-created_at", "-pk")
    )


def project_invitations_for(user, project: CollaborationProject) -> QuerySet[ProjectInvitation]:
    """The invitations of `project` `user` may see: all of them for its managers (staff too),
    those of the partners they own for an invited partner's owners, none for anyone else."""
    invitations = project.invitations.select_related("partner", "invited_by", "project")
    if can_manage_project(user, project):
        return invitations
    if not user.is_authenticated:
        return invitations.none()
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).values("partner_id")
    return invitations.filter(partner_id__in=owned)


def my_open_project_invitations(user, project: CollaborationProject) -> list[ProjectInvitation]:
    """The open invitations of `project` to partners `user` owns: what they have to answer."""
    if not user.is_authenticated:
        return []
    return list(
        project.invitations.filter(
            status=ProjectInvitation.Status.PENDING,
            partner__memberships__user=user,
            partner__memberships__role=Membership.Role.OWNER,
        ).select_related("partner")
    )


def project_invite_candidates(project: CollaborationProject) -> QuerySet[Partner]:
    """Active partners neither on `project` nor invited to it: whom its managers may invite."""
    return (
        _active_partners()
        .exclude(projects=project)
        .exclude(
            project_invitations__project=project,
            project_invitations__status=ProjectInvitation.Status.PENDING,
        )
        .only("pk", "name", "slug")
    )


# --- For the catalog's pages (registered in apps.py) --------------------------------------------


def _listed(rows: QuerySet) -> QuerySet:
    """The active partners of Supply or Provision rows as {name, slug}, by name."""
    return (
        rows.filter(partner__status=Partner.Status.ACTIVE)
        .order_by("partner__name")
        .values(json=JSONObject(name="partner__name", slug="partner__slug"))
    )


def part_suppliers(part) -> QuerySet:
    """Who supplies `part` (a pk or an OuterRef), for the catalog's parts."""
    # Supply's notes are translated (translation.py): without rewrite(False) a values() of an
    # expression alone would select every column, for modeltranslation's language fallback.
    return _listed(Supply.objects.rewrite(False).filter(part=part))


def service_providers(service) -> QuerySet:
    """Who provides `service` (a pk or an OuterRef), for the catalog's services."""
    return _listed(Provision.objects.filter(service=service))


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


# --- Project work: updates, milestones, files and the timeline ----------------------------------

TIMELINE_LENGTH = 30


def project_updates(project: CollaborationProject) -> QuerySet:
    """The project's updates, newest first, with their author and organisation."""
    return (
        ProjectUpdate.objects.filter(project=project)
        .select_related("author", "partner")
        .order_by("-created_at", "-pk")
    )


def updates_for_reader(project: CollaborationProject, language: str) -> QuerySet:
    """The project's updates in `language` first (newest first), then those in other languages
    (newest first); each row says whether it is in the reader's (`in_reader_language`)."""
    return (
        project_updates(project)
        .annotate(
            in_reader_language=Case(
                When(language=language, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-in_reader_language", "-created_at", "-pk")
    )


def project_milestones(project: CollaborationProject) -> QuerySet:
    """The project's milestones by due time, with who marked them done and their files' count."""
    return (
        Milestone.objects.filter(project=project)
        .select_related("done_by", "created_by")
        .annotate(file_count=Count("files"))
        .order_by("due_at", "pk")
    )


def project_files(project: CollaborationProject) -> QuerySet:
    """The project's files, newest first, with who shared them, for whom and for which milestone."""
    return (
        ProjectFile.objects.filter(project=project)
        .select_related("uploaded_by", "partner", "milestone", "project")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened in a project: `kind` is "update", "milestone_added",
    "milestone_done", "file" or "partner_joined"; `item` the row it is about."""

    kind: str
    at: object
    actor: object
    partner: object
    item: object


def project_timeline(
    project: CollaborationProject, *, limit: int = TIMELINE_LENGTH
) -> list[TimelineEntry]:
    """What happened in the project, newest first, at most `limit` entries.

    The `limit` newest of each source (updates, milestones added, milestones done, files,
    partners that accepted their invitation) are read, five queries whatever the project's
    size, and merged.
    """
    entries = [
        TimelineEntry("update", update.created_at, update.author, update.partner, update)
        for update in project_updates(project)[:limit]
    ]
    milestones = Milestone.objects.filter(project=project).select_related("created_by", "done_by")
    entries += [
        TimelineEntry(
            "milestone_added", milestone.created_at, milestone.created_by, None, milestone
        )
        for milestone in milestones.order_by("-created_at", "-pk")[:limit]
    ]
    entries += [
        TimelineEntry("milestone_done", milestone.done_at, milestone.done_by, None, milestone)
        for milestone in milestones.filter(done_at__isnull=False).order_by("-done_at", "-pk")[
            :limit
        ]
    ]
    entries += [
        TimelineEntry("file", shared.created_at, shared.uploaded_by, shared.partner, shared)
        for shared in project_files(project)[:limit]
    ]
    joined = (
        ProjectInvitation.objects.filter(
            project=project, status=ProjectInvitation.Status.ACCEPTED, decided_at__isnull=False
        )
        .select_related("partner", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )
    entries += [
        TimelineEntry(
            "partner_joined",
            invitation.decided_at,
            invitation.decided_by,
            invitation.partner,
            invitation,
        )
        for invitation in joined
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
