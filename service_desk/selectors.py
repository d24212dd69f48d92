"""Reads shared by the pages and the API; each carries its own select/prefetch."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from cocreate.accounts.models import User
from cocreate.accounts.roles import Role
from cocreate.core.search import any_term_query, websearch_query

from .models import (
    SEARCH_CONFIG,
    CannedResponse,
    Channel,
    InboundMail,
    KnowledgeArticle,
    Macro,
    Shipment,
    Tag,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
    ticket_number,
)
from .permissions import is_desk_agent

TICKET_NUMBER = re.compile(r"^\s*T-?0*(\d{1,9})\s*$", re.IGNORECASE)


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


def tickets_visible_to(user) -> QuerySet[Ticket]:
    """Agents and staff see every ticket; anyone else only their own."""
    if is_desk_agent(user):
        return _ticket_rows()
    return _ticket_rows().filter(customer=user)


def ticket_for(user, number: str) -> Ticket:
    """The ticket `number` if `user` may see it, else 404 (never 403: its existence is private)."""
    ticket = (
        tickets_visible_to(user)
        .select_related(
            "registration", "sla_policy", "linked_post__product", "mailbox", "follow_up_of"
        )
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    priority: str = ""
    category: str = ""
    product: str = ""  # slug
    assignee: str = ""  # username, "me" or "none"
    sla: str = ""
    q: str = ""
    # Without a status filter the queue shows what still needs work.
    include_done: bool = False


def ticket_queue(filters: QueueFilters, *, viewer=None, base=None) -> QuerySet[Ticket]:
    """Tickets matching the filters, most urgent first (or best match first when searching)."""
    tickets = base if base is not None else _ticket_rows()
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    elif not filters.include_done:
        tickets = tickets.active()
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
    query = search_query(filters.q)
    if query is not None:
        return tickets.filter(search_vector=query).order_by(
            SearchRank(F("search_vector"), query).desc(), "-created_at", "-id"
        )
    return tickets.most_urgent_first()


def ticket_conversation(ticket: Ticket, *, include_internal: bool) -> list[TicketMessage]:
    """The messages, each with the e-mail it came in (`inbound_mail`, without its bytes)."""
    messages = (
        TicketMessage.objects.filter(ticket=ticket)
        .select_related("author", "inbound_mail")
        .defer("inbound_mail__raw")
    )
    if not include_internal:
        messages = messages.filter(internal=False)
    return list(
        messages.prefetch_related(
            Prefetch("attachments", queryset=TicketAttachment.objects.order_by("id"))
        )
    )


def ticket_initial_attachments(ticket: Ticket) -> list[TicketAttachment]:
    return list(TicketAttachment.objects.filter(ticket=ticket, message__isnull=True))


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
    return list(Shipment.objects.filter(ticket=ticket).prefetch_related("history"))


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
    return (
        User.objects.filter(Q(groups__name=Role.AGENT) | Q(is_staff=True), is_active=True)
        .distinct()
        .order_by("username")
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


def articles(
    *,
    q: str = "",
    product=None,
    category: str = "",
    include_drafts: bool = False,
    language: str = "",
    reader_language: str = "",
) -> QuerySet[KnowledgeArticle]:
    """Articles, best match first when searching; `product` also brings the general ones.

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
    query = search_query(q)
    if language:
        rows = rows.filter(language=language)
    elif reader_language and query is None:
        rows = _one_version_each(rows, reader_language, drafts=include_drafts)
    if query is not None:
        return rows.filter(search_vector=query).order_by(
            SearchRank(F("search_vector"), query).desc(), "-published_at", "-id"
        )
    return rows.order_by("-helpful_count", "-published_at", "-id")


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
