"""A few seconds' cache of the busiest pages (feeds, post pages), shared by their readers.

Anonymous visitors (no session or messages cookie, no Authorization header, not an htmx request)
share one copy per address, language and time zone (`anonymous_page_cache`).

Signed-in readers share one copy per address, language, time zone and set of roles
(`shared_page_cache`). What differs between them is marked in the templates as reader parts
(cocreate/core/reader_parts.py: the header, each vote box, the follow button) and filled in per
response. Two rules keep a shared copy from hiding a change:
- whoever has just changed something (any request but GET, HEAD or OPTIONS: a vote, a comment,
  an edit, a follow) gets pages rendered afresh for the cache's lifetime (`WriterMiddleware`),
  so they see their own change at once;
- hiding, restoring or deleting a post or a comment calls `pages_changed()`, which outdates every
  cached copy, anonymous ones too: it disappears for everyone at once.
Anything else another person changes shows within the cache's lifetime: settings
ANONYMOUS_PAGE_CACHE_SECONDS and READER_PAGE_CACHE_SECONDS (5 by default; 0 turns each off).
A reader with a message waiting (messages framework) gets the page rendered afresh.

With the cache's Redis down, reads are misses and writes are skipped (cocreate/core/cache.py):
every page is rendered, as if the cache were off.

Pages carry a CSRF token (forms, htmx headers): the cached copy holds a placeholder that each
reader's own token replaces, so no one receives another reader's token.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from . import reader_parts

CSRF_PLACEHOLDER = "__shared_page_csrf__"
# Where templates put the token: hidden form inputs and the htmx header on <body>.
_TOKEN = re.compile(r'(?:csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{32,64})"')
# Changed by pages_changed(): a copy made under another generation is out of date.
GENERATION_KEY = "pagecache:generation"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def ttl() -> int:
    return getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0)


def reader_ttl() -> int:
    return getattr(settings, "READER_PAGE_CACHE_SECONDS", 0)


def pages_changed() -> None:
    """Every cached page is out of date once the current transaction commits (a post or a
    comment was hidden, restored or deleted: no reader may see it a moment longer)."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, secrets.token_hex(8), None))


def _writer_key(user_pk) -> str:
    return f"pagecache:wrote:{user_pk}"


class WriterMiddleware:
    """A signed-in person who sends anything but a read gets fresh pages for twice the reader
    page cache's lifetime: the copy everyone shares may predate what they just did (even one
    whose rendering began before their change and was kept after it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method not in _SAFE_METHODS
            and reader_ttl() > 0
            and user is not None
            and user.is_authenticated
        ):
            cache.set(_writer_key(user.pk), 1, 2 * reader_ttl())
        return response


def _key(kind: str, prefix: str, request, *more: str) -> str:
    raw = "|".join(
        (
            get_language(),
            timezone.get_current_timezone_name(),
            request.get_host(),
            request.get_full_path(),
            *more,
        )
    )
    return f"{kind}:{prefix}:{hashlib.sha256(raw.encode()).hexdigest()}"


def anonymous_key(request, prefix: str) -> str | None:
    """The cache key of this request's page, or None when it must not come from the cache."""
    user = getattr(request, "user", None)
    if (
        ttl() <= 0
        or request.method != "GET"
        or (user is not None and user.is_authenticated)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
        or request.headers.get("HX-Request")
    ):
        return None
    return _key("anonpage", prefix, request)


def _reader_key(request, prefix: str) -> str | None:
    """The key of the copy this signed-in reader shares, or None when they must not get one."""
    user = request.user
    if (
        reader_ttl() <= 0
        or request.method != "GET"
        or "messages" in request.COOKIES
        or "_messages" in request.session
        or "HTTP_AUTHORIZATION" in request.META
        or request.headers.get("HX-Request")
    ):
        return None
    roles = ",".join(sorted(user.role_names))
    return _key("readerpage", prefix, request, roles, str(user.is_staff), str(user.is_superuser))


@dataclass(frozen=True)
class SharedCopy:
    """Where this request's shared copy is kept, and what is there: `value` is None when there
    is none, or pages_changed() outdated it."""

    key: str
    generation: str
    seconds: int
    value: object | None

    def keep(self, value) -> None:
        cache.set(self.key, (self.generation, value), self.seconds)


def shared_copy(request, prefix: str, *, readers: bool = True) -> SharedCopy | None:
    """The copy of `prefix`'s page this request may share (with signed-in readers too, unless
    `readers` is False), or None when it must be answered on its own: one round trip to the
    cache."""
    key, seconds, writer = anonymous_key(request, prefix), ttl(), None
    if key is None:
        if not (readers and request.user.is_authenticated):
            return None
        key, seconds, writer = (
            _reader_key(request, prefix),
            reader_ttl(),
            _writer_key(request.user.pk),
        )
        if key is None:
            return None
    held = cache.get_many([key, GENERATION_KEY, *([writer] if writer else [])])
    if writer in held:
        return None
    generation = held.get(GENERATION_KEY, "")
    entry = held.get(key)
    value = entry[1] if entry is not None and entry[0] == generation else None
    return SharedCopy(key, generation, seconds, value)


def _without_token(text: str, token: str | None) -> str:
    return text.replace(token, CSRF_PLACEHOLDER) if token else text


def _page_token(body: str) -> str | None:
    match = _TOKEN.search(body)
    return match.group(1) if match else None


class ReaderPage(NamedTuple):
    """A page as all its signed-in readers share it: the HTML between its reader parts."""

    content_type: str
    texts: list[str]  # one more than parts
    parts: list[tuple]
    fresh_for: frozenset[int]  # readers who get the page rendered for them alone

    def html(self, request) -> str:
        filled = reader_parts.fill(self.parts, request) + [""]
        body = "".join(text + part for text, part in zip(self.texts, filled, strict=True))
        return body.replace(CSRF_PLACEHOLDER, get_token(request))


def fresh_for(request, user_pks) -> None:
    """The page being rendered shows these people something only they may do (their own post
    or comment, with its edit links): they get it rendered for them, never the shared copy."""
    record = getattr(request, "reader_parts", None)
    if record is not None:
        record.fresh_for.update(user_pks)


def _reader_page(body: str, content_type: str, record) -> ReaderPage:
    token = _page_token(body)
    pieces = re.split(f"<!--reader-part:{record.nonce}:\\d+-->", body)
    parts = [
        part
        if part[0] == "include"
        else (*part[:3], {name: _without_token(html, token) for name, html in part[3].items()})
        for part in record.parts
    ]
    return ReaderPage(
        content_type,
        [_without_token(text, token) for text in pieces],
        parts,
        frozenset(record.fresh_for),
    )


def _hit(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["X-Page-Cache"] = "hit"
    return response


def _serve_reader(view, request, shared: SharedCopy, args, kwargs):
    page = shared.value
    if page is not None and request.user.pk not in page.fresh_for:
        return _hit(page.html(request), page.content_type)
    request.reader_parts = record = reader_parts.Recording()
    try:
        response = view(request, *args, **kwargs)
    finally:
        del request.reader_parts
    if response.streaming or not record.parts:
        return response
    page = _reader_page(response.content.decode(response.charset), response["Content-Type"], record)
    if response.status_code == 200 and request.user.pk not in page.fresh_for:
        shared.keep(page)
    response.content = page.html(request)
    return response


def _serve_anonymous(view, request, shared: SharedCopy, args, kwargs):
    if shared.value is not None:
        content_type, body = shared.value
        # get_token also makes the CSRF middleware set the cookie for a first visit.
        return _hit(body.replace(CSRF_PLACEHOLDER, get_token(request)), content_type)
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming:
        body = response.content.decode(response.charset)
        shared.keep((response["Content-Type"], _without_token(body, _page_token(body))))
    return response


def _page_cache(view, *, readers: bool):
    prefix = view.__module__ + "." + view.__name__

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        shared = shared_copy(request, prefix, readers=readers)
        if shared is None:
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            return _serve_reader(view, request, shared, args, kwargs)
        return _serve_anonymous(view, request, shared, args, kwargs)

    return wrapper


def anonymous_page_cache(view):
    """Serve `view`'s 200 HTML responses to anonymous visitors from the cache for ttl()."""
    return _page_cache(view, readers=False)


def shared_page_cache(view):
    """As anonymous_page_cache, and serve signed-in readers a copy shared by those of the same
    language, time zone and roles for reader_ttl(), their own parts filled in."""
    return _page_cache(view, readers=True)
