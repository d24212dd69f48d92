"""Parts of a page rendered once and shared by every reader they look the same to.

A list's items (a feed's post cards, a post's comments, the desk queue's rows) were most of a
signed-in page's time. Each one's HTML is cached under a key made of everything it shows, which
the app names (`shown`), with the reader's language and time zone and the source of the
templates it is made of: any change of what one shows is a new key, so nothing is ever stale,
and the entries expire after the app's number of seconds (0 turns the cache off). A date
written relative to now ("3 minutes ago") must be part of `shown` as the text it reads.

What differs between readers of the same HTML stays out of it: the CSRF token and a form's
`next` are placeholders, replaced per response. All of a page's items are read in one get_many
and the missing ones written in one set_many. With the cache's Redis down, reads are misses and
writes are skipped (cocreate/core/cache.py): everything is rendered, as without it.
"""

import hashlib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .reader_parts import recording

# HTML comments, marked safe: no escaped text a reader wrote can contain them.
CSRF_PLACEHOLDER = mark_safe("<!--post-card:csrf-->")
NEXT_PLACEHOLDER = mark_safe("<!--post-card:next-->")


def ttl() -> int:
    """How long a rendered part is kept: settings.SHARED_HTML_CACHE_SECONDS (0: not cached)."""
    return getattr(settings, "SHARED_HTML_CACHE_SECONDS", 0)


def templates_version(names: Sequence[str]) -> str:
    sources = "\0".join(get_template(name).template.source for name in names)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def render_shared(
    context,
    template_name: str,
    templates: Sequence[str],
    items: Sequence,
    *,
    names: Callable[[object], dict],
    shown: Callable[[object], tuple],
    seconds: int,
) -> list[str]:
    """Each of `items` rendered with `template_name` in `context` (the variables `names(item)`
    pushed), as an include would, the HTML shared for `seconds` by all readers for whom
    `shown(item)` (all the item shows them) is the same; `templates` are all it is made of."""
    template = get_template(template_name).template

    def render(item, **overrides) -> str:
        with context.push(**names(item), **overrides):
            return template.render(context)

    if not items:
        return []
    request = context.get("request")
    token = context.get("csrf_token")
    if (
        seconds <= 0
        or request is None
        or not token
        or str(token) == "NOTPROVIDED"
        or recording(context) is not None  # the whole page is being cached, reader parts marked
    ):
        return [render(item) for item in items]
    reader = (
        templates_version(templates),
        template_name,
        get_language(),
        timezone.get_current_timezone_name(),
    )
    keys = [
        "shared-html:" + hashlib.sha256(repr(reader + shown(item)).encode()).hexdigest()
        for item in items
    ]
    cached = cache.get_many(keys)
    rendered = {
        key: render(item, csrf_token=CSRF_PLACEHOLDER, next=NEXT_PLACEHOLDER)
        for item, key in zip(items, keys, strict=True)
        if key not in cached
    }
    if rendered:
        cache.set_many(rendered, seconds)
    next_url = conditional_escape(context.get("next") or request.get_full_path())
    return [
        (cached[key] if key in cached else rendered[key])
        .replace(CSRF_PLACEHOLDER, str(token))
        .replace(NEXT_PLACEHOLDER, next_url)
        for key in keys
    ]
