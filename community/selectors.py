"""Reads shared by the community pages and the API, each a bounded number of queries.

Lists are fetched in two steps: the page of posts (one query, plus prefetches), then
`decorate_posts` adds what depends on the viewer or on other tables (authors' reputation,
verified owners, the viewer's votes) with one query each, whatever the page holds.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreate.accounts.own_page import OwnItems
from cocreate.core.i18n import localized
from cocreate.core.money import sum_by_currency
from cocreate.core.search import Forgiven, any_term_query, forgive, typing_query
from products.models import Part, Product, ProductLine, Registration

from .links import linked_tickets
from .models import (
    SEARCH_CONFIG,
    Comment,
    Credit,
    Flag,
    Follow,
    Post,
    PostImage,
    PostPart,
    ProductFollow,
    ReputationEvent,
    StatusChange,
    UserReputation,
    Vote,
)
from .permissions import can_moderate

# --- Visibility ----------------------------------------------------------------------------------


def visible_posts(viewer=None) -> QuerySet[Post]:
    """Posts `viewer` may open: never deleted ones; hidden ones only for moderators and
    their author."""
    posts = Post.objects.alive()
    if can_moderate(viewer):
        return posts
    if viewer is not None and viewer.is_authenticated:
        return posts.filter(Q(is_hidden=False) | Q(author=viewer))
    return Post.objects.listed()


def visible_post(pk: int, viewer=None) -> Post | None:
    """The post `pk` if `viewer` may open it (as visible_posts), else None. One query: the
    viewer's roles are asked only when the post is hidden from everyone else."""
    if viewer is None or not viewer.is_authenticated:
        return Post.objects.listed().filter(pk=pk).first()
    post = Post.objects.alive().filter(pk=pk).first()
    if post is None or not post.is_hidden or post.author_id == viewer.pk:
        return post
    return post if can_moderate(viewer) else None


def mention_candidates(post: Post, text: str, *, viewer, limit: int) -> list:
    """People whose username starts with `text` (or whose display name holds it) and who may
    see `post`, for the comment box's @ list: those in its thread (author, commenters) first,
    then by username; never `viewer`, never an inactive account. For a hidden post, only who may
    see it (selectors.visible_posts): its author and the moderators (staff, agents, designers)."""
    from cocreate.accounts.models import User
    from cocreate.accounts.roles import Role

    if post.is_deleted:
        return []
    people = User.objects.filter(is_active=True).exclude(pk=getattr(viewer, "pk", None))
    people = people.filter(Q(username__istartswith=text) | Q(display_name__icontains=text))
    if post.is_hidden:
        moderators = User.groups.through.objects.filter(
            user_id=OuterRef("pk"), group__name__in=[Role.AGENT, Role.DESIGNER]
        )
        people = people.filter(Q(pk=post.author_id) | Q(is_staff=True) | Exists(moderators))
    in_thread = Exists(
        Comment.objects.filter(post=post, author_id=OuterRef("pk"), is_hidden=False)
    ) | Q(pk=post.author_id)
    return list(
        people.annotate(
            outside=Case(
                When(in_thread, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("outside", Lower("username"), "pk")[:limit]
    )


def listed_posts() -> QuerySet[Post]:
    """Posts that appear in feeds and searches, for everyone."""
    return Post.objects.listed()


# --- Feeds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSort:
    label: str
    order_by: tuple[str, ...]


# Sorts by name; another app may add one (the designers' "trending") with register_feed_sort.
FEED_SORTS: dict[str, FeedSort] = {
    "new": FeedSort(pgettext_lazy("feed sort", "New"), ("-created_at", "-id")),
    "top": FeedSort(_("Top"), ("-vote_count", "-created_at", "-id")),
}
DEFAULT_SORT = "new"
# With a search, the default order is relevance (ts_rank) rather than DEFAULT_SORT.
RELEVANCE = "relevance"
# Longer searches are refused (400): a query is a few words, and each word costs an index probe.
SEARCH_MAX_LENGTH = 200
# Search results are counted up to this many ("more than 1,000 posts match"), never all of them.
SEARCH_COUNT_CAP = 1000
# Relevance ranks this many of the newest matches, never every match: ts_rank follows no index,
# so ranking all the matches of a common word reads them all (docs/search.md, "Ranking a bounded
# candidate set").
RELEVANCE_CANDIDATES = 300


def register_feed_sort(name: str, label, order_by: Iterable[str]) -> None:
    FEED_SORTS[name] = FeedSort(label, tuple(order_by))


def sort_choices(*, with_relevance: bool) -> list[tuple[str, str]]:
    choices = [(name, sort.label) for name, sort in FEED_SORTS.items()]
    if with_relevance:
        choices.insert(0, (RELEVANCE, _("Relevance")))
    return choices


@dataclass(frozen=True)
class FeedFilters:
    kind: str = ""
    status: str = ""
    tag: str = ""  # a tag slug
    q: str = ""
    sort: str = ""  # "" → relevance with a search, else DEFAULT_SORT
    language: str = ""  # a code of settings.LANGUAGES: posts written in it


def search_query(text: str) -> SearchQuery | None:
    """websearch_to_tsquery: quotes for phrases, `or`, `-word` to exclude; a Chinese word is a
    phrase of its characters; the last word is also a prefix (cocreate/core/search.py)."""
    return typing_query(text, config=SEARCH_CONFIG)


def post_feed(
    filters: FeedFilters = FeedFilters(),
    *,
    product: Product | None = None,
    products: QuerySet[Product] | None = None,
    query: SearchQuery | None = None,
) -> QuerySet[Post]:
    """The listed posts of a product (or products), filtered, searched (`filters.q`, or
    `query` when given: see searched_feed) and sorted."""
    posts = _filtered_posts(filters, product=product, products=products)
    if query is None:
        query = search_query(filters.q)
    sort = filters.sort or (RELEVANCE if query is not None else DEFAULT_SORT)
    if query is not None:
        posts = posts.filter(search_vector=query)
        if sort == RELEVANCE:
            posts = Post.objects.filter(pk__in=relevance_candidates(posts))
        # In double precision, so a feed cursor carries the rank back exactly (a real would not
        # survive the round trip through its decimal text).
        posts = posts.annotate(rank=Cast(SearchRank(F("search_vector"), query), FloatField()))
    if sort == RELEVANCE and query is not None:
        order_by = ("-rank", "-vote_count", "-id")
    else:
        order_by = FEED_SORTS.get(sort, FEED_SORTS[DEFAULT_SORT]).order_by
    return with_list_relations(posts).order_by(*order_by)


def _filtered_posts(
    filters: FeedFilters, *, product: Product | None, products: QuerySet[Product] | None
) -> QuerySet[Post]:
    """The listed posts of a product (or products) that `filters` keep, searched or not."""
    posts = listed_posts()
    if product is not None:
        posts = posts.filter(product=product)
    if products is not None:
        posts = posts.filter(product__in=products)
    if filters.kind:
        posts = posts.filter(kind=filters.kind)
    if filters.status:
        posts = posts.filter(status=filters.status)
    if filters.tag:
        posts = posts.filter(tags__slug=filters.tag)
    if filters.language:
        posts = posts.filter(language=filters.language)
    return posts


def relevance_candidates(matches: QuerySet[Post]) -> QuerySet:
    """The ids of the matches that relevance ranks: the RELEVANCE_CANDIDATES newest, read as a
    range of the newest-first index with the match tested on the way (or, for a word few posts
    have, from the search index). A new post is among them at once; an older one, for a word
    that many newer posts share, is not (the "new" and "top" sorts still list it)."""
    return matches.order_by(*FEED_SORTS["new"].order_by).values("pk")[:RELEVANCE_CANDIDATES]


@dataclass(frozen=True)
class FeedSearch:
    posts: QuerySet[Post]
    match_count: int  # counted up to SEARCH_COUNT_CAP + 1
    forgiven: Forgiven | None = None  # what was searched instead of the words as typed


def searched_feed(
    filters: FeedFilters,
    *,
    product: Product | None = None,
    products: QuerySet[Product] | None = None,
) -> FeedSearch:
    """The feed of a search and how many posts match. When the words as typed match nothing,
    the search forgives them (cocreate/core/search.py): typos corrected, else any of the words.
    Two queries when the words match (count, then the page), at most four more when not.
    The count is of every match, not only of those relevance ranks."""
    scope = _filtered_posts(filters, product=product, products=products)
    query = search_query(filters.q)
    posts = post_feed(filters, product=product, products=products, query=query)
    matches = scope if query is None else scope.filter(search_vector=query)
    found = count_capped(matches, SEARCH_COUNT_CAP)
    if found:
        return FeedSearch(posts, found)
    forgiven = forgive(
        filters.q,
        config=SEARCH_CONFIG,
        matches=lambda query: count_capped(scope.filter(search_vector=query), SEARCH_COUNT_CAP),
    )
    if forgiven is None:
        return FeedSearch(posts, 0)
    posts = post_feed(filters, product=product, products=products, query=forgiven.query)
    return FeedSearch(posts, forgiven.found, forgiven)


def vocabulary_texts() -> QuerySet[Post]:
    """The texts whose words make the search vocabulary (cocreate/core/vocabulary.py)."""
    return listed_posts().annotate(
        text=Concat("title", Value(" "), "body", output_field=TextField())
    )


def feed_parts(
    posts: QuerySet[Post], filters: FeedFilters, reader_language: str
) -> list[QuerySet[Post]]:
    """The feed as the parts its pages read one after the other (keyset.paginate_parts): when
    the reader chose no language and reads another than the site's default, the posts in their
    language first, then the others, each in the feed's sort and on its index. Readers of the
    default language, the bulk of the content, get the feed as one part, as it always was."""
    if (
        filters.language
        or reader_language == settings.LANGUAGE_CODE
        or reader_language not in dict(settings.LANGUAGES)
    ):
        return [posts]
    return [posts.filter(language=reader_language), posts.exclude(language=reader_language)]


def count_capped(posts: QuerySet[Post], cap: int = SEARCH_COUNT_CAP) -> int:
    """How many rows `posts` has, counting no further than cap + 1 (a bounded cost). Newest
    first: PostgreSQL then walks the newest-first index and stops at cap + 1 (or, for a rare
    word, reads the few matches from the search index); in no order it may scan the table."""
    return posts.order_by(*FEED_SORTS[DEFAULT_SORT].order_by).values("pk")[: cap + 1].count()


def with_list_relations(posts: QuerySet[Post]) -> QuerySet[Post]:
    """What every post list shows: product, author and tags, in a fixed number of queries."""
    return posts.select_related("product", "author").prefetch_related("tags")


# --- Similar posts -------------------------------------------------------------------------------

SIMILAR_LIMIT = 5


def similar_posts(
    *, product: Product, text: str, exclude_id: int | None = None, limit: int = SIMILAR_LIMIT
) -> list[Post]:
    """Up to `limit` listed posts of `product` that share words with `text`, best first.

    Any shared word counts (an OR query), unlike the feed's search where every word must match:
    a title being typed is a description, not a query. Chinese counts by two-character sequence.
    """
    query = any_term_query(text, config=SEARCH_CONFIG, min_length=2, limit=16)
    if query is None:
        return []
    posts = (
        listed_posts()
        .filter(product=product, search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .select_related("product")
        .order_by("-rank", "-vote_count", "-id")
    )
    if exclude_id:
        posts = posts.exclude(pk=exclude_id)
    return list(posts[:limit])


# --- Decoration: reputation, verified owners, the viewer's votes ---------------------------------


def reputation_totals(user_ids: Iterable[int]) -> dict[int, int]:
    """Reputation of each user: their total (UserReputation, kept with the ledger), 0 without
    one. One query reading one row per user, however long their ledgers."""
    user_ids = set(user_ids)
    if not user_ids:
        return {}
    totals = UserReputation.objects.filter(user_id__in=user_ids).values_list("user_id", "points")
    return dict.fromkeys(user_ids, 0) | dict(totals)


def reputation_of(user) -> int:
    return reputation_totals([user.pk])[user.pk]


def verified_owner_pairs(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (user id, product id) pairs are a registered owner and their product. One query."""
    pairs = set(pairs)
    if not pairs:
        return set()
    rows = (
        Registration.objects.filter(
            customer_id__in={user_id for user_id, _p in pairs},
            product_id__in={product_id for _u, product_id in pairs},
        )
        .order_by()
        .values_list("customer_id", "product_id")
        .distinct()
    )
    return pairs & set(rows)


def voted_post_ids(viewer, post_ids: Iterable[int]) -> set[int]:
    post_ids = list(post_ids)
    if not (viewer and viewer.is_authenticated and post_ids):
        return set()
    return set(
        Vote.objects.filter(user=viewer, post_id__in=post_ids)
        .order_by()
        .values_list("post_id", flat=True)
    )


def followed_post_ids(viewer, post_ids: Iterable[int]) -> set[int]:
    return set(
        Follow.objects.filter(user=viewer, post_id__in=list(post_ids))
        .order_by()
        .values_list("post_id", flat=True)
    )


def flagged_post_ids(viewer, post_ids: Iterable[int]) -> set[int]:
    return set(
        Flag.objects.filter(reporter=viewer, post_id__in=list(post_ids))
        .order_by()
        .values_list("post_id", flat=True)
    )


def decorate_posts(posts: list[Post], viewer=None) -> list[Post]:
    """Set author_reputation, author_verified and viewer_voted on each post (3 queries)."""
    reputations = reputation_totals(post.author_id for post in posts)
    verified = verified_owner_pairs((post.author_id, post.product_id) for post in posts)
    voted = voted_post_ids(viewer, (post.pk for post in posts))
    for post in posts:
        post.author_reputation = reputations.get(post.author_id, 0)
        post.author_verified = (post.author_id, post.product_id) in verified
        post.viewer_voted = post.pk in voted
    return posts


def decorate_tag_names(posts: list[Post]) -> list[Post]:
    """Set tag_names on each post: its tags' names in their order (by name), read as values in
    one query (the API's lists: no Tag object for each row as a prefetch makes)."""
    names: dict[int, list[str]] = {post.pk: [] for post in posts}
    rows = (
        Post.tags.through.objects.filter(post_id__in=list(names))
        .order_by("tag__name", "tag_id")
        .values_list("post_id", "tag__name")
    )
    for post_id, name in rows:
        names[post_id].append(name)
    for post in posts:
        post.tag_names = names[post.pk]
    return posts


# --- One post ------------------------------------------------------------------------------------


def parts_prefetch() -> Prefetch:
    """A post's build rows with their part, each marked `compatible` with the post's product."""
    compatible = Part.compatible_products.through.objects.filter(
        part_id=OuterRef("part_id"), product_id=OuterRef("post__product_id")
    )
    return Prefetch(
        "parts",
        queryset=PostPart.objects.select_related("part")
        .annotate(compatible=Exists(compatible))
        .order_by("id"),
    )


def _with_linked_ticket_count(posts: QuerySet[Post]) -> QuerySet[Post]:
    """The tickets the service desk links to the post (community/links.py), counted.

    A correlated count, not a join with GROUP BY: grouping the page's eight joined tables by
    every column cost PostgreSQL about 4 ms of planning for a 0.4 ms query."""
    links = linked_tickets()
    if links is None:
        return posts
    tickets = (
        links.model.objects.filter(**{links.field.name: OuterRef("pk")})
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return posts.annotate(linked_ticket_count=Subquery(tickets))


def post_for_page(pk: int, viewer=None) -> Post:
    """A post with everything its page shows; raises Post.DoesNotExist if `viewer` may not see it."""
    return (
        _with_linked_ticket_count(visible_posts(viewer))
        .select_related("product__line", "author", "duplicate_of__product", "adopted_in")
        .prefetch_related(
            "tags",
            Prefetch("images", queryset=PostImage.objects.order_by("position", "id")),
            parts_prefetch(),
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("author", "adopted_in").order_by(
                    "created_at", "id"
                ),
            ),
        )
        .get(pk=pk)
    )


@dataclass
class BuildLine:
    part: Part
    quantity: int
    compatible: bool

    @property
    def line_total(self) -> Decimal:
        return self.part.price * self.quantity

    @property
    def currency(self) -> str:
        return self.part.currency


@dataclass
class Build:
    """A modification's parts, their cost per currency and the ones that may not fit."""

    lines: list[BuildLine] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, Decimal]:
        return sum_by_currency((line.line_total, line.currency) for line in self.lines)

    @property
    def total_list(self) -> list[tuple[str, Decimal]]:
        return sorted(self.totals.items())

    @property
    def incompatible(self) -> list[BuildLine]:
        return [line for line in self.lines if not line.compatible]


def build_of(post: Post) -> Build:
    """The build of a post loaded by post_for_page or post_api_list (parts prefetched)."""
    return Build(
        [
            BuildLine(part=row.part, quantity=row.quantity, compatible=row.compatible)
            for row in post.parts.all()
        ]
    )


@dataclass
class ViewerState:
    voted: bool = False
    following: bool = False
    flagged: bool = False


def viewer_state(post: Post, viewer) -> ViewerState:
    """Whether `viewer` voted for, follows and flagged `post` (one query).

    One EXISTS per relation, each filtered by the viewer inside it: an index probe on the
    relation's (user, post) unique constraint. Joining the relations and filtering afterwards
    would read votes × follows × flags rows (9M on a post with 3k votes and 3k follows).
    """
    if not (viewer and viewer.is_authenticated):
        return ViewerState()
    row = (
        Post.objects.filter(pk=post.pk)
        .values(
            voted=Exists(Vote.objects.filter(post=OuterRef("pk"), user=viewer)),
            following=Exists(Follow.objects.filter(post=OuterRef("pk"), user=viewer)),
            flagged=Exists(Flag.objects.filter(post=OuterRef("pk"), reporter=viewer)),
        )
        .first()
    )
    return ViewerState(**row) if row else ViewerState()


def comments_for_post(post: Post, viewer=None) -> QuerySet[Comment]:
    """A post's comments, oldest first; hidden ones only for moderators."""
    comments = post.comments.select_related("author").order_by("created_at", "id")
    if not can_moderate(viewer):
        comments = comments.filter(is_hidden=False)
    return comments


def decorate_comments(comments: list[Comment], post: Post) -> list[Comment]:
    """Set author_reputation and author_verified on each comment (2 queries)."""
    reputations = reputation_totals(comment.author_id for comment in comments)
    verified = verified_owner_pairs((comment.author_id, post.product_id) for comment in comments)
    for comment in comments:
        comment.author_reputation = reputations.get(comment.author_id, 0)
        comment.author_verified = (comment.author_id, post.product_id) in verified
    return comments


# --- Communities, lines, people ------------------------------------------------------------------


def communities() -> QuerySet[ProductLine]:
    """Product lines with their products, each with its number of listed posts."""
    products = (
        Product.objects.annotate(post_count=Count("posts", filter=Post.listed_via("posts")))
        .only("id", "name", "slug", "status", "generation", "line_id", "illustration")
        .order_by("generation", "name")
    )
    return (
        ProductLine.objects.prefetch_related(Prefetch("products", queryset=products))
        .filter(products__isnull=False)
        .distinct()
        .order_by("position", "name")
    )


def line_products(line: ProductLine) -> list[Product]:
    return list(
        line.products.annotate(post_count=Count("posts", filter=Post.listed_via("posts"))).order_by(
            "generation", "name"
        )
    )


# A feed's facets (its posts counted by kind, status and language) read every post of the
# product (100 ms at 12k posts), so they are cached this long (seconds) for everyone; the feed
# itself is never cached for people signed in.
KIND_COUNTS_TTL = 5


@dataclass(frozen=True)
class PostFacets:
    """Listed posts counted by each value of the feed's filters: what the filter selects offer
    (only values that have posts) and the product page's counts by kind."""

    kinds: dict[str, int]
    statuses: dict[str, int]
    languages: dict[str, int]


def _post_facets(key: str, posts: QuerySet[Post]) -> PostFacets:
    rows = cache.get(key)
    if rows is None:
        rows = list(
            posts.order_by().values_list("kind", "status", "language").annotate(n=Count("id"))
        )
        cache.set(key, rows, KIND_COUNTS_TTL)
    kinds, statuses, languages = Counter(), Counter(), Counter()
    for kind, status, language, n in rows:
        kinds[kind] += n
        statuses[status] += n
        languages[language] += n
    return PostFacets(kinds=dict(kinds), statuses=dict(statuses), languages=dict(languages))


def product_post_facets(product: Product) -> PostFacets:
    """A product's listed posts by kind, status and language (one grouped query, at most
    KIND_COUNTS_TTL seconds old)."""
    return _post_facets(
        f"community:facets:product:{product.pk}", listed_posts().filter(product=product)
    )


def line_post_facets(line: ProductLine) -> PostFacets:
    """The same for a product line's posts."""
    return _post_facets(
        f"community:facets:line:{line.pk}", listed_posts().filter(product__line=line)
    )


@dataclass(frozen=True)
class CommunityFollowState:
    followers: int
    following: bool


def community_follow_state(product: Product, viewer=None) -> CommunityFollowState:
    """How many follow the product's community, and whether `viewer` does (one query)."""
    mine = Q(user=viewer) if viewer is not None and viewer.is_authenticated else Q(pk__in=[])
    counts = ProductFollow.objects.filter(product=product).aggregate(
        followers=Count("id"), mine=Count("id", filter=mine)
    )
    return CommunityFollowState(followers=counts["followers"], following=bool(counts["mine"]))


def followed_product_ids(viewer, product_ids: Iterable[int]) -> set[int]:
    """Which of these products' communities `viewer` follows (one query)."""
    return set(
        ProductFollow.objects.filter(user=viewer, product_id__in=list(product_ids))
        .order_by()
        .values_list("product_id", flat=True)
    )


def posts_by_author(author, viewer=None) -> QuerySet[Post]:
    posts = visible_posts(viewer).filter(author=author)
    return with_list_relations(posts).order_by("-created_at", "-id")


def own_posts(author, limit: int) -> OwnItems:
    """The own page's posts (cocreate/accounts/own_page.py): the newest `limit` the author may
    open, and how many (two queries)."""
    posts = visible_posts(author).filter(author=author).select_related("product")
    return OwnItems(posts.count(), list(posts.order_by("-created_at", "-id")[:limit]))


def followed_posts(user) -> QuerySet[Post]:
    """The posts `user` follows and may open, the most recently active first."""
    return (
        visible_posts(user)
        .filter(follows__user=user)
        .select_related("product")
        .order_by("-last_activity_at", "-id")
    )


def followed_communities(user) -> QuerySet[ProductFollow]:
    """The products' communities `user` follows, by product name in the reader's language."""
    return (
        ProductFollow.objects.filter(user=user)
        .select_related("product")
        .order_by(localized("product__name"), "id")
    )


@dataclass(frozen=True)
class OwnFollows:
    communities: list[ProductFollow]
    posts: list[Post]

    def __bool__(self):
        return bool(self.communities or self.posts)


def own_follows(user, limit: int) -> OwnItems:
    """The own page's follows: up to `limit` communities and `limit` posts, and how many of
    both (four queries)."""
    communities, posts = followed_communities(user), followed_posts(user)
    follows = OwnFollows(list(communities[:limit]), list(posts[:limit]))
    return OwnItems(communities.count() + posts.count(), follows)


def reputation_breakdown(user) -> list[dict]:
    """Points per kind of event, largest first (one query)."""
    rows = (
        ReputationEvent.objects.filter(user=user)
        .values("kind")
        .annotate(points=Sum("points"), events=Count("id"))
        .order_by("-points")
    )
    labels = dict(ReputationEvent.Kind.choices)
    return [row | {"label": labels.get(row["kind"], row["kind"])} for row in rows]


def credited_generations(user) -> list[dict]:
    """The generations that shipped ideas `user` is credited for (community/releases.py), newest
    first: `product_name` (in the reader's language), `product__slug` and `ideas` (how many).
    Ideas hidden or deleted since count no more. One query."""
    return list(
        Credit.objects.filter(Post.listed_via("post"), user=user)
        .annotate(product_name=localized("product__name"))
        .values("product_name", "product__slug", "product__launch_date")
        .annotate(ideas=Count("post", distinct=True))
        .order_by(F("product__launch_date").desc(nulls_last=True), "product_name")
    )


def reputation_recent(user, *, limit: int = 15) -> list[ReputationEvent]:
    return list(
        ReputationEvent.objects.filter(user=user)
        .select_related("post__product", "actor")
        .order_by("-created_at", "-id")[:limit]
    )


# --- Moderation ----------------------------------------------------------------------------------

MODERATION_VIEWS: dict[str, Callable[[QuerySet[Post]], QuerySet[Post]]] = {
    "flagged": lambda posts: posts.filter(Q(flag_count__gt=0) | Q(hidden_reason="flags")).order_by(
        "-flag_count", "-last_activity_at", "-id"
    ),
    "hidden": lambda posts: posts.filter(is_hidden=True).order_by("-updated_at", "-id"),
    "locked": lambda posts: posts.filter(is_locked=True).order_by("-updated_at", "-id"),
}


def moderation_queue(view: str = "flagged") -> QuerySet[Post]:
    """Posts needing (or under) moderation, with their open flags and reporters."""
    open_flags = Flag.objects.filter(resolution=Flag.Resolution.OPEN).select_related("reporter")
    posts = Post.objects.alive()
    return (
        MODERATION_VIEWS[view](posts)
        .select_related("product", "author")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
    )


def moderation_counts() -> dict[str, int]:
    return Post.objects.alive().aggregate(
        flagged=Count("id", filter=Q(flag_count__gt=0) | Q(hidden_reason="flags")),
        hidden=Count("id", filter=Q(is_hidden=True)),
        locked=Count("id", filter=Q(is_locked=True)),
    )


# --- For the catalog's contracts (registered in apps.py) -----------------------------------------


def adopted_ideas(product: Product) -> QuerySet[Post]:
    """Ideas adopted into `product` that everyone may see, most supported first, with the
    people credited for them (`Post.credited`) and the team's latest answer
    (`Post.latest_answer`): two queries more, whatever their number."""
    return (
        listed_posts()
        .filter(adopted_in=product, status=Post.Status.ADOPTED)
        .select_related("product", "author")
        .prefetch_related(credits_prefetch(), latest_answer_prefetch())
        .order_by("-vote_count", "-id")
    )


def credits_prefetch() -> Prefetch:
    """A post's credits with their people, author first, as `credit_rows` (`Post.credited`)."""
    return Prefetch(
        "credits",
        queryset=Credit.objects.select_related("user").order_by("role", "id"),
        to_attr="credit_rows",
    )


def latest_answer_prefetch() -> Prefetch:
    """A post's latest status change with a public message, with its author, as
    `latest_answers` (`Post.latest_answer`): one query for any number of posts."""
    return Prefetch(
        "status_changes",
        queryset=StatusChange.objects.exclude(message="")
        .select_related("author")
        .order_by("-created_at", "-id")[:1],
        to_attr="latest_answers",
    )


def popular_builds(part_ids, *, limit: int) -> QuerySet[Post]:
    """The most voted modifications everyone may see that list any of `part_ids`."""
    return (
        listed_posts()
        .filter(
            kind=Post.Kind.MODIFICATION,
            pk__in=PostPart.objects.filter(part_id__in=part_ids).values("post_id"),
        )
        .select_related("product")
        .order_by("-vote_count", "-pk")[:limit]
    )
