"""A few seconds' cache of what anonymous visitors see on the busiest pages (feeds, post pages).

Only requests that carry no state are served from it: no session or messages cookie, no
Authorization header, not an htmx request. Signed-in people (authors among them) never get a
cached page, so they see their own new post, comment or vote at once; anonymous pages are at
most settings.ANONYMOUS_PAGE_CACHE_SECONDS old (5 by default; 0 turns the cache off).

With the cache's Redis down, reads are misses and writes are skipped (cocreate/core/cache.py):
every page is rendered, as if the cache were off.

Pages carry a CSRF token (vote forms, htmx headers): the cached copy holds a placeholder that
each visitor's own token replaces, so no one receives another visitor's token.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "__anonymous_page_csrf__"
# Where templates put the token: hidden form inputs and the htmx header on <body>.
_TOKEN = re.compile(r'(?:csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{32,64})"')


def ttl() -> int:
    return getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0)


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
    raw = "|".join(
        (
            get_language(),
            timezone.get_current_timezone_name(),
            request.get_host(),
            request.get_full_path(),
        )
    )
    return f"anonpage:{prefix}:{hashlib.sha256(raw.encode()).hexdigest()}"


def anonymous_page_cache(view):
    """Serve `view`'s 200 HTML responses to anonymous visitors from the cache for ttl()."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = anonymous_key(request, view.__module__ + "." + view.__name__)
        if key is None:
            return view(request, *args, **kwargs)
        cached = cache.get(key)
        if cached is not None:
            content_type, body = cached
            # get_token also makes the CSRF middleware set the cookie for a first visit.
            response = HttpResponse(
                body.replace(CSRF_PLACEHOLDER, get_token(request)), content_type=content_type
            )
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            body = response.content.decode(response.charset)
            match = _TOKEN.search(body)
            if match:
                body = body.replace(match.group(1), CSRF_PLACEHOLDER)
            cache.set(key, (response["Content-Type"], body), ttl())
        return response

    return wrapper
