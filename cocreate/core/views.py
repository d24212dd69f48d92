import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path, PurePosixPath

import redis
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from django.views.static import serve
from redis.backoff import NoBackoff
from redis.retry import Retry

from cocreate.core.degraded import degraded_counts
from cocreate.core.media import private_roots, public_uploads_on_disk

# Public uploads keep their name for life (a new upload gets a new name), so browsers may keep
# them a day; the sandbox policy makes anything that is not an image inert.
PUBLIC_MEDIA_MAX_AGE = 24 * 3600
PUBLIC_MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def home(request):
    return render(request, "home.html")


@require_safe
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page links: send them to the icon
    (temporarily: its static name carries a hash that changes with it)."""
    return redirect(static("img/favicon.ico"))


# /healthz answers within HEALTH_DEADLINE_SECONDS whatever hangs: each check runs in a thread of
# its own, Redis is given HEALTH_CHECK_SECONDS to connect and as long to answer, without retries,
# and a check still running at the deadline counts as failed.
HEALTH_CHECK_SECONDS = 1
HEALTH_DEADLINE_SECONDS = 1.5


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False
    finally:
        connection.close()  # this thread's own connection


def _redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=HEALTH_CHECK_SECONDS,
        socket_timeout=HEALTH_CHECK_SECONDS,
        retry=Retry(NoBackoff(), retries=0),
    )
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


def _run_checks(checks: dict[str, Callable[[], bool]]) -> dict[str, bool]:
    """Run the checks side by side; one not done by the deadline is a failure (its thread, a
    daemon, ends when its own timeout does)."""
    results: dict[str, bool] = {}

    def run(name, check):
        results[name] = check()

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in checks.items()]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + HEALTH_DEADLINE_SECONDS
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))
    return {name: results.get(name, False) for name in checks}


@never_cache
def healthz(request):
    """200 when the database and Redis (the broker's database and the cache's) answer, 503
    otherwise, saying which did not; with the counts of what went on without Redis."""
    checks = _run_checks(
        {
            "database": _database_answers,
            "broker": partial(_redis_answers, settings.REDIS_URL),
            "cache": partial(_redis_answers, settings.CACHES["default"]["LOCATION"]),
        }
    )
    healthy = all(checks.values())
    state = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": state["database"],
        "redis": "ok" if checks["broker"] and checks["cache"] else "unavailable",
        "broker": state["broker"],
        "cache": state["cache"],
        "degraded": degraded_counts(),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def refusal(request, *, status, code, detail, template, context=None, bare=False):
    """An error answered by no view of its own (a middleware's refusal, Django's handler400,
    403, 404 and 500): the API's JSON shape under /api/, the page elsewhere. `bare` renders the
    page without the request (no context processors), for the 500 page: what failed must not
    fail again on it."""
    if _wants_json(request):
        return JsonResponse({"detail": str(detail), "code": code}, status=status)
    if bare:
        return HttpResponse(loader.get_template(template).render(context), status=status)
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    detail = exception.args[0] if exception and exception.args else _("Bad request.")
    return refusal(request, status=400, code="bad_request", detail=detail, template="400.html")


def uri_too_long(request):
    """414, from RejectLongUrlsMiddleware."""
    detail = _("The address is too long: at most %(limit)d characters.") % {
        "limit": settings.MAX_URL_LENGTH
    }
    return refusal(request, status=414, code="uri_too_long", detail=detail, template="400.html")


def page_not_found(request, exception=None):
    return refusal(
        request, status=404, code="not_found", detail=_("Not found."), template="404.html"
    )


@requires_csrf_token
def permission_denied(request, exception=None):
    """A refusal that says why (it has a `code`: an unconfirmed e-mail address …) shows its
    message; any other, the generic one."""
    code = getattr(exception, "code", None)
    if code and exception.args:
        detail = exception.args[0]
        context = {"detail": detail, "code": code, "email": getattr(exception, "email", "")}
        return refusal(
            request, status=403, code=code, detail=detail, template="403.html", context=context
        )
    return refusal(
        request,
        status=403,
        code="permission_denied",
        detail=_("You do not have permission to do this."),
        template="403.html",
    )


def _stylesheet_url() -> str:
    # The manifest storage raises when the file is missing from it (collectstatic not run):
    # the error page then links the unhashed path rather than failing itself.
    try:
        return static("css/app.css")
    except Exception:
        return f"{settings.STATIC_URL}css/app.css"


def server_error(request):
    return refusal(
        request,
        status=500,
        code="server_error",
        detail=_("Server error."),
        template="500.html",
        context={"stylesheet_url": _stylesheet_url()},
        bare=True,
    )


@require_safe
def public_media(request, path):
    """Public uploads (product and post images, partner logos) from MEDIA_ROOT.

    Served by the app wherever no proxy serves MEDIA_ROOT at MEDIA_URL (the Docker setup's nginx
    does, with these headers: README, "Uploaded files"). Files in the private directories the
    apps registered (cocreate.core.media) are served only by their apps' permission-checked
    views, never by this one, even if such a directory is put under MEDIA_ROOT.

    With the uploads in object storage (README, "Uploaded files") pages link the public bucket
    (`storage.url()`): an old /media/ address of an upload there is sent on to it. Private files
    are in a bucket of their own, which the public storage cannot name.
    """
    if not public_uploads_on_disk():
        name, storage = PurePosixPath(path), storages["default"]
        if name.is_absolute() or ".." in name.parts or not storage.exists(path):
            raise Http404(path)
        return redirect(storage.url(path))
    media_root = Path(settings.MEDIA_ROOT).resolve()
    target = (media_root / path).resolve()
    private = any(target.is_relative_to(root) for root in private_roots())
    if private or not target.is_relative_to(media_root):
        raise Http404(path)
    try:
        response = serve(request, path, document_root=media_root)
    except OSError as error:  # a name the file system refuses (too long): no such upload
        raise Http404(path) from error
    if response.status_code in (200, 304):
        patch_cache_control(response, public=True, max_age=PUBLIC_MEDIA_MAX_AGE)
        response.headers["Content-Security-Policy"] = PUBLIC_MEDIA_CSP
    return response
