"""Post cards (community/_post_item.html) rendered once and shared by every reader of a post.

A feed, a search or a profile shows up to 20 cards; rendering them was most of a signed-in
feed's time. Each card's HTML is cached under a key made of everything it shows (post_card_key):
the post's title, kind, status, lock, vote and comment counts, tags, product, its author's public
name, reputation and verified flag, its date as the page writes it (the relative "3 minutes ago"
included, so it is never older than the minute it names), the reader's language and time zone,
the templates' source, and which of the three vote boxes the reader gets: their own post (no
form), voted, not voted. Any change of what a card shows is a new key: a card is never stale,
and the entries expire after settings.POST_CARD_CACHE_SECONDS (0 turns the cache off).

What differs between readers of the same card stays out of the cached HTML: the CSRF token and
the vote form's `next` are placeholders, replaced per response. Which posts a reader sees (hidden
and deleted ones left out) and whether they voted are read from the database per request, as
before; only the HTML comes from the cache. All cards of a page are read in one get_many and
the missing ones written in one set_many. With the cache's Redis down, reads are misses and
writes are skipped (cocreate/core/cache.py): every card is rendered, as without the cache.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cocreate.core.dates import relative

CARD_TEMPLATE = "community/_post_item.html"
# Every template a card is made of: a change of any of them is a new key.
CARD_TEMPLATES = (
    CARD_TEMPLATE,
    "community/_vote.html",
    "community/_author.html",
    "partials/badge.html",
)
# HTML comments, marked safe: no escaped text a reader wrote can contain them.
CSRF_PLACEHOLDER = mark_safe("<!--post-card:csrf-->")
NEXT_PLACEHOLDER = mark_safe("<!--post-card:next-->")


def ttl() -> int:
    return getattr(settings, "POST_CARD_CACHE_SECONDS", 0)


def _templates_version() -> str:
    sources = "\0".join(get_template(name).template.source for name in CARD_TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def vote_box(post, user) -> str:
    """Which vote box `user` gets on `post`'s card: their own post's count, or the form."""
    if user.is_authenticated and user.pk == post.author_id:
        return "own"
    return "voted" if post.viewer_voted else "vote"


def post_card_key(post, *, show_product: bool, box: str, version: str) -> str:
    """The cache key of a card: everything it shows, in the reader's language and time zone."""
    author = post.author
    shown = (
        version,
        get_language(),
        timezone.get_current_timezone_name(),
        show_product,
        box,
        post.pk,
        post.title,
        post.kind,
        post.status,
        post.is_locked,
        post.vote_count,
        post.comment_count,
        post.created_at.isoformat(),
        relative(post.created_at),
        post.product.slug,
        post.product.name,
        [(tag.slug, tag.name) for tag in post.tags.all()],
        author.username,
        author.public_name,
        author.is_former_member,
        post.author_reputation,
        post.author_verified,
    )
    return "postcard:" + hashlib.sha256(repr(shown).encode()).hexdigest()


def _render(template, context, post, show_product, **overrides) -> str:
    with context.push(post=post, show_product=show_product, **overrides):
        return template.render(context)


def render_post_cards(context, posts, show_product: bool = False) -> SafeString:
    """The cards of `posts` (decorated by selectors.decorate_posts) for the reader of `context`,
    as `{% include "community/_post_item.html" %}` in a loop renders them."""
    template = get_template(CARD_TEMPLATE).template
    request = context.get("request")
    token = context.get("csrf_token")
    if ttl() <= 0 or request is None or not token or str(token) == "NOTPROVIDED":
        return mark_safe("".join(_render(template, context, p, show_product) for p in posts))
    version = _templates_version()
    keys = [
        post_card_key(
            post, show_product=show_product, box=vote_box(post, request.user), version=version
        )
        for post in posts
    ]
    cached = cache.get_many(keys)
    rendered = {}
    for post, key in zip(posts, keys, strict=True):
        if key not in cached:
            rendered[key] = _render(
                template,
                context,
                post,
                show_product,
                csrf_token=CSRF_PLACEHOLDER,
                next=NEXT_PLACEHOLDER,
            )
    if rendered:
        cache.set_many(rendered, ttl())
    html = "".join(cached[key] if key in cached else rendered[key] for key in keys)
    next_url = conditional_escape(context.get("next") or request.get_full_path())
    return mark_safe(html.replace(CSRF_PLACEHOLDER, str(token)).replace(NEXT_PLACEHOLDER, next_url))
