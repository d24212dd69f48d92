"""The knowledge base: articles written and translated by agents, readers' votes, and the
deflections (an article solved the problem, no ticket was filed)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cocreate.core import clock
from cocreate.core.i18n import detect_language, supported_language
from cocreate.core.markup import render_markdown
from cocreate.core.sql import insert_once

from ..models import ArticleVote, Deflection, KnowledgeArticle, Ticket, TicketEvent
from ..permissions import is_desk_agent
from ._common import _event


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "article"
    slug, suffix = base, 2
    others = KnowledgeArticle.objects.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _set_original(article: KnowledgeArticle, translation_of: KnowledgeArticle | None) -> None:
    if translation_of is not None and translation_of.translation_of_id:
        translation_of = translation_of.translation_of
    if translation_of is None:
        article.translation_of = None
        return
    if article.pk and translation_of.pk == article.pk:
        raise ValidationError({"translation_of": [_("An article cannot translate itself.")]})
    if article.pk and article.translations.exists():
        raise ValidationError(
            {"translation_of": [_("It has translations of its own: it stays an original.")]}
        )
    if translation_of.language == article.language:
        raise ValidationError(
            {"language": [_("The original is already in this language: choose another one.")]}
        )
    article.translation_of = translation_of


@transaction.atomic
def article_save(
    *,
    author,
    title: str,
    body: str,
    category: str,
    product=None,
    status: str = KnowledgeArticle.Status.DRAFT,
    article: KnowledgeArticle | None = None,
    source_ticket: Ticket | None = None,
    language: str = "",
    translation_of: KnowledgeArticle | None = None,
) -> KnowledgeArticle:
    """Create or edit an article (agents only); the Markdown is rendered and sanitised here.

    `language` empty: detected from the text. `translation_of`: the article this one translates
    (its original, if that is itself a translation); one version per language.
    """
    if not is_desk_agent(author):
        raise PermissionDenied
    creating = article is None
    article = article or KnowledgeArticle(author=author, source_ticket=source_ticket)
    article.language = supported_language(language) or detect_language(f"{title}\n{body}")
    _set_original(article, translation_of)
    article.title = title.strip()
    article.body = body
    article.body_html = render_markdown(body)
    article.category = category
    article.product = product
    article.status = status
    if creating or not article.slug:
        article.slug = _unique_slug(article.title)
    if status == KnowledgeArticle.Status.PUBLISHED and article.published_at is None:
        article.published_at = clock.now()
    article.full_clean(exclude=["search_vector", "author", "source_ticket"])
    article.save()
    if creating and source_ticket is not None:
        _event(source_ticket, author, TicketEvent.Kind.ARTICLE, new=article.title, internal=True)
    return article


@transaction.atomic
def article_vote(*, article: KnowledgeArticle, user, helpful: bool) -> KnowledgeArticle:
    """One vote per user; voting again changes the vote. Counters move with it."""
    if not article.is_published:
        raise PermissionDenied
    first = insert_once(
        ArticleVote,
        article_id=article.pk,
        user_id=user.pk,
        helpful=bool(helpful),
        created_at=clock.now(),
    )
    if first:
        delta_helpful, delta_not = (1, 0) if helpful else (0, 1)
    else:
        vote = ArticleVote.objects.select_for_update().get(article=article, user=user)
        if vote.helpful == helpful:
            return article
        vote.helpful = helpful
        vote.save(update_fields=["helpful", "created_at"])
        delta_helpful, delta_not = (1, -1) if helpful else (-1, 1)
    KnowledgeArticle.objects.filter(pk=article.pk).update(
        helpful_count=F("helpful_count") + delta_helpful,
        not_helpful_count=F("not_helpful_count") + delta_not,
    )
    article.refresh_from_db(fields=["helpful_count", "not_helpful_count"])
    return article


def deflection_record(
    *, article: KnowledgeArticle, user=None, product=None, query=""
) -> Deflection:
    """A suggested article solved the problem: no ticket was filed."""
    return Deflection.objects.create(
        article=article,
        user=user if user is not None and user.is_authenticated else None,
        product=product,
        query=(query or "")[:300],
    )
