"""Reads shared by the pages and the API; each carries its own select/prefetch."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Lower
from django.http import Http404
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.accounts.own_page import OwnItems
from cocreate.accounts.roles import Role
from cocreate.core import clock
from cocreate.core.i18n import localized, localized_columns
from cocreate.core.search import Forgiven, any_term_query, forgive, typing_query, websearch_query
from community.models import Post
from products.models import Registration

from .models import (
    SEARCH_CONFIG,
    CannedResponse,
    Carrier,
    Channel,
    InboundMail,
    KnowledgeArticle,
    Macro,
    SavedView,
    Shipment,
    Tag,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
    TicketSearchDocument,
    ticket_number,
)
from .models.shipments import carrier_key
from .permissions import is_desk_agent

TICKET_NUMBER = re.compile(r"^\s*T-?0*(\d{1,9})\s*$", re.IGNORECASE)


# A product's name in every language (products/translation.py): the reader's and its fallback.
_PRODUCT_NAMES = [f"product__{column}" for column in localized_columns("name")]


def search_query(text: str) -> SearchQuery | None:
    """websearch syntax; a Chinese word is a phrase of its characters (cocreate/core/search.py)."""
    return websearch_query((text or "")[:200], config=SEARCH_CONFIG)


def _ticket_rows() -> QuerySet[Ticket]:
    # The search vector is for the database only: never worth reading into Python.
    return Ticket.objects.select_related("customer", "product", "assignee").defer("search_vector")


def tickets_of_customer(customer) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(customer=customer)
        .select_related("product", "assignee")
        .defer("search_vector", "description", "description_html")
    )


def own_tickets(customer, limit: int) -> OwnItems:
    """The own page's tickets (cocreate/accounts/own_page.py): those in progress first, then
    the others, each group most recently changed first, and how many there are (two queries)."""
    tickets = tickets_of_customer(customer)
    done_last = Case(
        When(status__in=Ticket.ACTIVE_STATUSES, then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )
    items = list(tickets.order_by(done_last, "-updated_at", "-id")[:limit])
    return OwnItems(tickets.count(), items)


def tickets_visible_to(user) -> QuerySet[Ticket]:
    """Agents and staff see every ticket; anyone else only their own."""
    if is_desk_agent(user):
        return _ticket_rows()
    return _ticket_rows().filter(customer=user)


def ticket_for(user, number: str) -> Ticket:
    """The ticket `number` if `user` may see it, else 404 (never 403: its existence is private)."""
    # Joined: the relations almost every ticket has. The rarer ones come in a query each only
    # when set: each further join multiplies PostgreSQL's planning time (from about 1 ms to
    # 20-40 ms with all of them, at 100,000 tickets), more than the query itself takes.
    ticket = (
        tickets_visible_to(user)
        .select_related("registration", "sla_policy")
        .prefetch_related("linked_post__product", "mailbox", "follow_up_of")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


@dataclass(frozen=True)
class CustomerUnit:
    registration: Registration
    under_warranty: bool
    on_this_ticket: bool


@dataclass(frozen=True)
class CustomerOverview:
    """What the desk shows beside a ticket about its customer: each list the most recent
    `limit` rows, with how many there are in all."""

    tickets: list[Ticket]  # their other tickets
    tickets_total: int
    units: list[CustomerUnit]
    units_total: int
    posts: list[Post]  # not deleted by their author; hidden ones have is_hidden set
    posts_total: int
    ratings: list[Ticket]  # their rated tickets, this one included
    ratings_total: int
    rating_average: float | None
    local_time: datetime  # now, in their time zone


def _with_total(rows: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and the count of all of them, in one query (a window count)."""
    rows = list(rows.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, (rows[0].total_rows if rows else 0)


def customer_overview(ticket: Ticket, *, limit: int = 5) -> CustomerOverview:
    """The customer of `ticket` at a glance, in four queries whatever they have."""
    customer = ticket.customer
    tickets, tickets_total = _with_total(
        Ticket.objects.filter(customer=customer)
        .exclude(pk=ticket.pk)
        .only("number", "subject", "status", "created_at")
        .order_by("-created_at", "-id"),
        limit,
    )
    registrations, units_total = _with_total(
        Registration.objects.filter(customer=customer)
        .select_related("product")
        .only("serial_number", "warranty_ends_on", "created_at", "product", *_PRODUCT_NAMES)
        .order_by("-created_at", "-id"),
        limit,
    )
    posts, posts_total = _with_total(
        Post.objects.alive()
        .filter(author=customer)
        .select_related("product")
        .only(
            "title",
            "status",
            "is_hidden",
            "created_at",
            "product",
            "product__slug",
            *_PRODUCT_NAMES,
        )
        .order_by("-created_at", "-id"),
        limit,
    )
    ratings = list(
        Ticket.objects.filter(customer=customer, csat_score__isnull=False)
        .annotate(total_rows=Window(Count("pk")), average=Window(Avg("csat_score")))
        .only("number", "subject", "csat_score", "csat_comment", "csat_rated_at")
        .order_by(F("csat_rated_at").desc(nulls_last=True), "-id")[:limit]
    )
    now = clock.now()
    today = timezone.localdate(now)
    try:
        zone = ZoneInfo(customer.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return CustomerOverview(
        tickets=tickets,
        tickets_total=tickets_total,
        units=[
            CustomerUnit(
                registration=registration,
                under_warranty=registration.under_warranty(today),
                on_this_ticket=registration.pk == ticket.registration_id,
            )
            for registration in registrations
        ],
        units_total=units_total,
        posts=posts,
        posts_total=posts_total,
        ratings=ratings,
        ratings_total=ratings[0].total_rows if ratings else 0,
        rating_average=ratings[0].average if ratings else None,
        local_time=now.astimezone(zone),
    )


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    priority: str = ""
    category: str = ""
    product: str = ""  # slug
    assignee: str = ""  # username, "me" or "none"
    sla: str = ""
    q: str = ""
    tag: str = ""  # a tag's name, any case
    solved_days: int | None = None  # resolved or closed within that many days
    # Without a status filter the queue shows what still needs work.
    include_done: bool = False


def ticket_queue(filters: QueueFilters, *, viewer=None, base=None) -> QuerySet[Ticket]:
    """Tickets matching the filters, most urgent first (or best match first when searching)."""
    tickets = base if base is not None else _ticket_rows()
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    elif not filters.include_done and filters.solved_days is None:
        tickets = tickets.active()
    if filters.solved_days is not None:
        since = clock.now() - timedelta(days=filters.solved_days)
        # Resolved or closed since then (GREATEST skips a NULL), as ticket_solved_at_idx reads.
        tickets = tickets.alias(solved_at=Greatest("resolved_at", "closed_at")).filter(
            solved_at__gte=since, status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED]
        )
    if filters.tag:
        named = Tag.objects.annotate(lower=Lower("name")).filter(lower=filters.tag.lower())
        tickets = tickets.filter(tags__in=named)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.category:
        tickets = tickets.filter(category=filters.category)
    if filters.product:
        tickets = tickets.filter(product__slug=filters.product)
    if filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee == "me" and viewer is not None:
        tickets = tickets.filter(assignee=viewer)
    elif filters.assignee:
        tickets = tickets.filter(assignee__username=filters.assignee)
    if filters.sla:
        tickets = tickets.filter(sla_state=filters.sla)
    match = TICKET_NUMBER.match(filters.q or "")
    if match:
        return tickets.filter(number=ticket_number(int(match.group(1))))
    text = (filters.q or "")[:200]
    query = search_query(text)
    if query is not None:
        return _search(tickets, text, query, agent=viewer is not None and is_desk_agent(viewer))
    return tickets.most_urgent_first()


def count_each(querysets: dict) -> dict:
    """The number of rows of each queryset (name → queryset), all in one query of a count
    subquery each: the database plans each on its own, with its own index, instead of one scan
    for all (the queue's view counts)."""
    if not querysets:
        return {}
    parts, params = [], []
    for rows in querysets.values():
        sql, sql_params = rows.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT count(*) FROM ({sql}) AS counted)")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return dict(zip(querysets, counts, strict=True))


def saved_views_for(user) -> QuerySet[SavedView]:
    """The user's own views and those shared with the desk."""
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


class _PublicPart(Func):
    """A search document without its internal notes (weight D): what a customer may match."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{a,b,c}')"
    output_field = SearchVectorField()


EXACT_HITS = 200  # customers and units an exact lookup may name


def _spellings(text: str) -> list[str]:
    """`text` as typed, in lower case, capitalised and in upper case: how names are written.
    Comparing columns with these is a plain equality per row, where upper() of every column of
    every user would cost several times more."""
    return list(dict.fromkeys([text, text.lower(), text.title(), text.upper()]))


def _exact_hits(text: str) -> Q | None:
    """Tickets of the customer with this e-mail (when it has an @), username or name, or on
    the registered unit with this serial number (one word with a digit).

    A name is the display name or first and last name, or one word of them alone (first or
    last name), written as typed or in lower, capitalised or upper case (_spellings). Looked
    up in those rows, not copied into the search document, so a changed or erased name is
    found, or no longer found, at once; one query for customers and units, whose ids the
    search then finds through the tickets' indexes on customer and unit."""
    text = text.strip()
    spellings = _spellings(text)
    if "@" in text:
        person = Q(email__iexact=text)
    elif " " in text:
        if len(text.split()) > 3:
            return None
        person = Q(display_name__in=spellings) | Q(full_name__in=spellings)
    else:
        person = (
            Q(username__in=spellings)
            | Q(display_name__in=spellings)
            | Q(first_name__in=spellings)
            | Q(last_name__in=spellings)
        )
    rows = (
        User.objects.filter(erased_at__isnull=True)
        .alias(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(person)
        .values_list("pk", Value(False))[:EXACT_HITS]
    )
    if " " not in text and any(character.isdigit() for character in text):
        units = Registration.objects.filter(serial_number__in=spellings)
        rows = rows.union(units.values_list("pk", Value(True))[:EXACT_HITS], all=True)
    customers, units = [], []
    for pk, is_unit in rows:
        (units if is_unit else customers).append(pk)
    if not (customers or units):
        return None
    return Q(customer_id__in=customers) | Q(registration_id__in=units)


def _search(tickets: QuerySet[Ticket], text: str, query: SearchQuery, *, agent: bool):
    """Tickets whose search document matches `query` (a customer's: without internal notes),
    or an exact hit (_exact_hits); exact hits first, then by rank: a word in the subject
    weighs most, then the description, the public replies, the notes."""
    exact = _exact_hits(text)
    if agent:
        document = F("search_document__document")
        if exact is None:
            tickets = tickets.filter(search_document__document=query)
        else:
            # One id subquery (GIN index, then the customer and unit indexes): an OR of the
            # conditions themselves would make PostgreSQL test every ticket.
            matches = TicketSearchDocument.objects.filter(document=query).values("ticket_id")
            hits = Ticket.objects.order_by().filter(exact).values("pk")
            tickets = tickets.filter(pk__in=matches.union(hits))
    else:  # a customer's own tickets (`base`): few, filtered row by row
        document = _PublicPart("search_document__document")
        found = Q(public_document=query)
        if exact is not None:
            found |= exact
        tickets = tickets.alias(public_document=document).filter(found)
    order = [SearchRank(document, query).desc(nulls_last=True), "-created_at", "-id"]
    if exact is not None:
        tickets = tickets.alias(
            exact_hit=Case(
                When(exact, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        order.insert(0, "-exact_hit")
    return tickets.order_by(*order)


def ticket_conversation(
    ticket: Ticket, *, include_internal: bool
) -> tuple[list[TicketAttachment], list[TicketMessage]]:
    """The files sent with the ticket itself, and the messages, each with the e-mail it came in
    (`inbound_mail`, without its bytes) and its files (`files`): all the files in one query."""
    messages = (
        TicketMessage.objects.filter(ticket=ticket)
        .select_related("author", "inbound_mail")
        .defer("inbound_mail__raw")
    )
    files = TicketAttachment.objects.filter(ticket=ticket).order_by("id")
    if not include_internal:
        messages = messages.filter(internal=False)
        files = files.filter(Q(message__isnull=True) | Q(message__internal=False))
    files_of = defaultdict(list)
    for file in files:
        files_of[file.message_id].append(file)
    messages = list(messages)
    for message in messages:
        message.files = files_of[message.pk]
    return files_of[None], messages


def ticket_messages_after(ticket: Ticket, message_id: int, *, not_by) -> list[TicketMessage]:
    """Messages added to `ticket` after `message_id` by anyone but `not_by`: what an agent who
    saw the conversation up to `message_id` has not read (internal notes too)."""
    return list(
        TicketMessage.objects.filter(ticket=ticket, pk__gt=message_id)
        .exclude(author=not_by)
        .select_related("author")
    )


def ticket_opening_mail(ticket: Ticket) -> InboundMail | None:
    """The e-mail that opened `ticket`, if one did (without its bytes)."""
    if ticket.channel != Channel.EMAIL:
        return None
    return (
        InboundMail.objects.filter(ticket=ticket, status=InboundMail.Status.TICKET)
        .defer("raw")
        .first()
    )


def inbound_mail_for(user, pk: int) -> InboundMail:
    """A received e-mail `user` may download whole: agents those on a ticket, staff any kept
    one (the "Failed mail" list). Anyone else, and discarded mail, 404."""
    mail = InboundMail.objects.exclude(status=InboundMail.Status.DISCARDED).filter(pk=pk).first()
    allowed = mail is not None and (
        user.is_staff or (is_desk_agent(user) and mail.ticket_id is not None)
    )
    if not allowed:
        raise Http404
    return mail


def ticket_history(ticket: Ticket, *, include_internal: bool) -> list[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor")
    if not include_internal:
        events = events.filter(internal=False)
    return list(events)


def ticket_shipments(ticket: Ticket) -> list[Shipment]:
    """The shipments with their history, each with `tracking_url`: its carrier's tracking page
    for the tracking number, or "" when no active Carrier matches the name typed."""
    shipments = list(Shipment.objects.filter(ticket=ticket).prefetch_related("history"))
    if shipments:
        carriers = carriers_by_key()
        for shipment in shipments:
            carrier = carriers.get(carrier_key(shipment.carrier))
            shipment.tracking_url = carrier.url_for(shipment.tracking_number) if carrier else ""
    return shipments


def carriers_by_key() -> dict[str, Carrier]:
    """Active carriers by each of their names' `carrier_key`."""
    return {
        key: carrier
        for carrier in Carrier.objects.filter(active=True)
        for key in carrier.match_keys()
    }


def attachment_for(user, number: str, pk: int) -> TicketAttachment:
    """An attachment the user may download: their ticket's, and never an internal note's."""
    ticket = ticket_for(user, number)
    attachment = (
        TicketAttachment.objects.filter(ticket=ticket, pk=pk).select_related("message").first()
    )
    if attachment is None or (attachment.internal and not is_desk_agent(user)):
        raise Http404
    return attachment


def desk_agents() -> QuerySet[User]:
    # The agents' ids as a subquery rather than a join with DISTINCT: with 20,000 users the
    # join sorted every one of them to drop duplicates (about 4 times slower).
    agents = User.groups.through.objects.filter(group__name=Role.AGENT).values("user_id")
    return User.objects.filter(Q(pk__in=agents) | Q(is_staff=True), is_active=True).order_by(
        "username"
    )


def canned_responses() -> QuerySet[CannedResponse]:
    return CannedResponse.objects.order_by("title")


def desk_macros() -> QuerySet[Macro]:
    """The macros agents may apply (switched-off ones are not)."""
    return Macro.objects.filter(active=True).select_related("assign_to").order_by("title")


def tag_names(limit: int = 500) -> list[str]:
    """Names of existing tags, to suggest when tagging (the first `limit` by name)."""
    return list(Tag.objects.order_by("name").values_list("name", flat=True)[:limit])


# --- knowledge base -----------------------------------------------------------------------------


def _one_version_each(rows: QuerySet[KnowledgeArticle], reader_language: str, *, drafts: bool):
    """Of each article, the version in `reader_language` or else its original."""
    versions = KnowledgeArticle.objects.filter(language=reader_language)
    if not drafts:
        versions = versions.filter(status=KnowledgeArticle.Status.PUBLISHED)
    original = OuterRef("original")
    in_reader_language = versions.filter(Q(pk=original) | Q(translation_of=original))
    return rows.annotate(original=Coalesce("translation_of_id", "id")).filter(
        Q(language=reader_language) | (Q(translation_of__isnull=True) & ~Exists(in_reader_language))
    )


@dataclass(frozen=True)
class ArticleFacets:
    """The knowledge base's articles counted by product, category and language: what its
    filters offer (only values that have articles)."""

    products: dict[str, int]
    product_names: dict[str, str]
    categories: dict[str, int]
    languages: dict[str, int]


def article_facets(*, include_drafts: bool = False) -> ArticleFacets:
    """One grouped query over the articles the reader may see."""
    rows = KnowledgeArticle.objects.all()
    if not include_drafts:
        rows = rows.filter(status=KnowledgeArticle.Status.PUBLISHED)
    grouped = (
        rows.order_by()
        .annotate(product_name=localized("product__name"))
        .values_list("product__slug", "product_name", "category", "language")
        .annotate(n=Count("id"))
    )
    products, names, categories, languages = Counter(), {}, Counter(), Counter()
    for slug, name, category, language, n in grouped:
        if slug:
            products[slug] += n
            names[slug] = name
        categories[category] += n
        languages[language] += n
    return ArticleFacets(
        products=dict(products),
        product_names=dict(sorted(names.items(), key=lambda item: item[1].casefold())),
        categories=dict(categories),
        languages=dict(languages),
    )


def articles(
    *,
    q: str = "",
    product=None,
    category: str = "",
    include_drafts: bool = False,
    language: str = "",
    reader_language: str = "",
    query: SearchQuery | None = None,
) -> QuerySet[KnowledgeArticle]:
    """Articles, best match first when searching (`q`, or `query` when given: see
    searched_articles); `product` also brings the general ones.

    `language` keeps the articles written in it. Otherwise, with a `reader_language` and no
    search, each article is listed once: in the reader's language when it has that version.
    A search lists every version that matches.
    """
    rows = KnowledgeArticle.objects.select_related("product")
    if not include_drafts:
        rows = rows.filter(status=KnowledgeArticle.Status.PUBLISHED)
    if product is not None:
        rows = rows.filter(Q(product=product) | Q(product__isnull=True))
    if category:
        rows = rows.filter(category=category)
    if query is None:
        query = article_query(q)
    if language:
        rows = rows.filter(language=language)
    elif reader_language and query is None:
        rows = _one_version_each(rows, reader_language, drafts=include_drafts)
    if query is not None:
        return rows.filter(search_vector=query).order_by(
            SearchRank(F("search_vector"), query).desc(), "-published_at", "-id"
        )
    return rows.order_by("-helpful_count", "-published_at", "-id")


def article_query(text: str) -> SearchQuery | None:
    """The knowledge base's search: websearch syntax, Chinese as phrases, the last word also a
    prefix (cocreate/core/search.py)."""
    return typing_query((text or "")[:200], config=SEARCH_CONFIG)


# Articles on a page of the knowledge base.
ARTICLES_PER_PAGE = 20


@dataclass(frozen=True)
class ArticleSearch:
    page: Page
    forgiven: Forgiven | None = None  # what was searched instead of the words as typed


def searched_articles(q: str, *, page_number, **filters) -> ArticleSearch:
    """The page `page_number` of `articles(q=q, **filters)`. When the words as typed find
    nothing, the search forgives them (cocreate/core/search.py): typos corrected, else any of
    the words. Words that match run the queries a plain list runs (its count and its page);
    forgiving adds at most three: the vocabulary, then one LIMIT 1 per try."""
    page = Paginator(articles(q=q, **filters), ARTICLES_PER_PAGE).get_page(page_number)
    if not q or page.paginator.count:
        return ArticleSearch(page)
    forgiven = forgive(
        q[:200],
        config=SEARCH_CONFIG,
        matches=lambda query: int(articles(query=query, **filters).exists()),
    )
    if forgiven is None:
        return ArticleSearch(page)
    rows = articles(query=forgiven.query, **filters)
    return ArticleSearch(Paginator(rows, ARTICLES_PER_PAGE).get_page(page_number), forgiven)


def vocabulary_texts() -> QuerySet[KnowledgeArticle]:
    """The texts whose words make the search vocabulary (cocreate/core/vocabulary.py)."""
    return KnowledgeArticle.objects.filter(status=KnowledgeArticle.Status.PUBLISHED).annotate(
        text=Concat("title", Value(" "), "body", output_field=TextField())
    )


def article_suggestions(
    *, product, text: str, limit: int = 5, reader_language: str = ""
) -> list[KnowledgeArticle]:
    """Published articles for the product matching any significant word the customer typed
    (in Chinese, any two-character sequence), those in the reader's language first."""
    query = any_term_query(text, config=SEARCH_CONFIG, min_length=3, skip_digits=True, limit=12)
    if query is None:
        return []
    rows = KnowledgeArticle.objects.filter(
        status=KnowledgeArticle.Status.PUBLISHED, search_vector=query
    )
    if product is not None:
        rows = rows.filter(Q(product=product) | Q(product__isnull=True))
    in_reader_language = Case(When(language=reader_language, then=Value(0)), default=Value(1))
    return list(
        rows.select_related("product").order_by(
            in_reader_language,
            SearchRank(F("search_vector"), query).desc(),
            "-helpful_count",
            "-id",
        )[:limit]
    )


def article_for(user, slug: str) -> KnowledgeArticle:
    article = KnowledgeArticle.objects.select_related("product", "author").filter(slug=slug).first()
    if article is None or (not article.is_published and not is_desk_agent(user)):
        raise Http404
    return article


def article_versions(article: KnowledgeArticle, user, *, reader_language: str):
    """The other language versions of `article` the user may read, the reader's language first."""
    original = article.original_id
    versions = KnowledgeArticle.objects.filter(Q(pk=original) | Q(translation_of=original)).exclude(
        pk=article.pk
    )
    if not is_desk_agent(user):
        versions = versions.filter(status=KnowledgeArticle.Status.PUBLISHED)
    first = Case(When(language=reader_language, then=Value(0)), default=Value(1))
    return list(versions.only("slug", "title", "language", "status").order_by(first, "language"))
