"""Post cards and comments rendered once and shared by every reader of them.

A feed, a search or a profile shows up to 20 post cards (community/_post_item.html), a post page
up to 50 comments (community/_comment.html); rendering them was most of a signed-in page's
time. Each one's HTML is cached under a key made of everything it shows:

- a card: the post's title, kind, status, lock, vote and comment counts, tags, product, its
  author's public name, reputation and verified flag, and which of the three vote boxes the
  reader gets (their own post: no form; voted; not voted);
- a comment: its text, date, edit date, hidden and official flags, its author's public name,
  reputation and verified flag, and what the reader may do with it (edit it: their own, on a
  post open to comments; hide or show it: a moderator);
- for both: the date as the page writes it (the relative "3 minutes ago" included, so it is
  never older than the minute it names), the reader's language and time zone, and the source of
  the templates it is made of.

Any change of what one shows is a new key: nothing is ever stale, and the entries expire after
settings.SHARED_HTML_CACHE_SECONDS (0 turns the cache off); the mechanism is
cocreate/core/shared_html.py, which the desk queue's rows use too.

What differs between readers of the same HTML stays out of it: the CSRF token and the vote
form's `next` are placeholders, replaced per response. Which posts and comments a reader sees
(hidden and deleted ones left out) and whether they voted are read from the database per
request, as before; only the HTML comes from the cache. All of a page's items are read in one
get_many and the missing ones written in one set_many. With the cache's Redis down, reads are
misses and writes are skipped (cocreate/core/cache.py): everything is rendered, as without it.
"""

from django.utils.safestring import SafeString, mark_safe

from cocreate.core.dates import relative
from cocreate.core.shared_html import render_shared, ttl

CARD_TEMPLATE = "community/_post_item.html"
COMMENT_TEMPLATE = "community/_comment.html"
# The templates each is made of: a change of any of them is a new key.
CARD_TEMPLATES = (
    CARD_TEMPLATE,
    "community/_vote.html",
    "community/_author.html",
    "partials/badge.html",
)
COMMENT_TEMPLATES = (COMMENT_TEMPLATE, "community/_author.html")


def _author_shown(item) -> tuple:
    author = item.author
    return (
        author.username,
        author.public_name,
        author.is_former_member,
        item.author_reputation,
        item.author_verified,
    )


def vote_box(post, reader_pk: int | None) -> str:
    """Which vote box the reader (their pk, None when signed out) gets on `post`'s card: their
    own post's count, or the form."""
    if reader_pk is not None and reader_pk == post.author_id:
        return "own"
    return "voted" if post.viewer_voted else "vote"


def render_post_cards(context, posts, show_product: bool = False) -> SafeString:
    """The cards of `posts` (decorated by selectors.decorate_posts) for the reader of `context`,
    as `{% include "community/_post_item.html" %}` in a loop renders them."""
    user = context["request"].user if context.get("request") else None
    reader_pk = user.pk if user is not None and user.is_authenticated else None
    products = {}  # product pk -> what a card shows of it: a feed's cards share one or a few

    def product_shown(product) -> tuple:
        if product.pk not in products:
            products[product.pk] = (product.slug, product.name)
        return products[product.pk]

    def shown(post) -> tuple:
        return (
            show_product,
            vote_box(post, reader_pk),
            post.pk,
            post.title,
            post.kind,
            post.status,
            post.is_locked,
            post.vote_count,
            post.comment_count,
            post.created_at.isoformat(),
            relative(post.created_at),
            *product_shown(post.product),
            tuple((tag.slug, tag.name) for tag in post.tags.all()),
            *_author_shown(post),
        )

    html = render_shared(
        context,
        CARD_TEMPLATE,
        CARD_TEMPLATES,
        posts,
        names=lambda post: {"post": post, "show_product": show_product},
        shown=shown,
        seconds=ttl(),
    )
    return mark_safe("".join(html))


def render_comments(context, comments) -> list[tuple]:
    """(comment, its HTML) for each of `comments` (decorated by selectors.decorate_comments)
    on the post page of `context`, as `{% include "community/_comment.html" %}` renders it."""
    post, user = context["post"], context["user"]

    def shown(comment) -> tuple:
        editable = (
            comment.author_id == user.pk and post.accepts_interaction and not comment.is_hidden
        )
        return (
            editable,
            bool(context.get("is_moderator")),
            context["product"].slug,
            post.pk,
            comment.pk,
            comment.body,
            comment.body_html,
            comment.is_hidden,
            comment.is_official,
            comment.created_at.isoformat(),
            relative(comment.created_at),
            comment.edited_at.isoformat() if comment.edited_at else None,
            context.get("comment_max_length"),
            tuple(
                (name, str(value)) for name, value in context.get("mention_attributes", {}).items()
            ),
            *_author_shown(comment),
        )

    html = render_shared(
        context,
        COMMENT_TEMPLATE,
        COMMENT_TEMPLATES,
        comments,
        names=lambda comment: {"comment": comment},
        shown=shown,
        seconds=ttl(),
    )
    # The file's final newline is not the comment's: the page's loop writes its own.
    return [
        (comment, mark_safe(text.removesuffix("\n")))
        for comment, text in zip(comments, html, strict=True)
    ]
