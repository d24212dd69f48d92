"""Community benchmark: feeds, search, a post page and votes under load, through gunicorn.

Needs a database filled by `manage.py generate_scale` (see docs/performance.md), then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench \\
        REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/community.py

It starts gunicorn (3 sync workers, bench.settings: DEBUG off, a bare view) on a loopback port,
then for each endpoint runs 4 client processes for --seconds (20) and prints requests, errors,
requests per second, p50/p95/p99 latency and throughput relative to the bare view of the same
run, checks the targets, verifies that every vote cast was counted exactly, and reports the peak
memory (VmHWM) of each web worker. Votes are real: run it on a benchmark database only.

gunicorn, the clients and the table are bench/load.py's (shared with bench/service_desk_tickets.py
--load); each vote is a request of a different account on a different post.
"""

import argparse
import json
import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import load  # noqa: E402
from cocreate.accounts.models import User  # noqa: E402
from cocreate.core import keyset  # noqa: E402
from community import selectors  # noqa: E402
from community.models import Post, Tag, Vote  # noqa: E402

TARGETS = {  # kind: (p95 ms at most, rps at least)
    "read": (150, 200),
    "search": (300, 40),
    "signed_in": (40, 200),  # issue 23: a signed-in feed or post page as fast as 9 % of bare
    "signed_in_search": (120, 60),
    "vote": (None, 300),
}
SEARCH_WORDS = ["battery", "charger", "screen", "update", "case", "fan", "camera"]


# --- Data the endpoints need ---------------------------------------------------------------------


def _deep_cursor(posts, depth_pages: int, page_size: int) -> tuple[str, int]:
    """A cursor `depth_pages` pages into `posts` (capped to its last page), and the depth."""
    total = posts.count()
    depth = max(0, min(depth_pages, (total - 1) // page_size))
    row = posts[depth * page_size - 1] if depth else None
    if row is None:
        return "", 0
    terms = keyset._ordering(posts)
    return keyset.encode_cursor(terms, [getattr(row, n) for n, _d in terms], backwards=False), depth


def _voting_sessions(product, count: int) -> list[tuple[str, int]]:
    """(session key, post id): distinct users, each on a distinct post that they did not write
    nor vote for yet. Sessions are bulk-inserted (one per voter)."""
    # Raw SQL for the row numbering; `p` is Post.objects.listed() that are not locked.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH u AS (
                SELECT id, row_number() OVER (ORDER BY id) AS n FROM {User._meta.db_table}
                WHERE username LIKE 'user%%' AND is_active
            ), p AS (
                SELECT id, author_id, row_number() OVER (ORDER BY id) AS n
                FROM {Post._meta.db_table}
                WHERE product_id = %s AND NOT is_hidden AND NOT is_deleted AND NOT is_locked
            )
            SELECT u.id, p.id FROM u JOIN p ON p.n = u.n
            WHERE p.author_id <> u.id AND NOT EXISTS (
                SELECT 1 FROM {Vote._meta.db_table} v WHERE v.user_id = u.id AND v.post_id = p.id
            )
            LIMIT %s
            """,
            [product.pk, count],
        )
        pairs = cursor.fetchall()
    users = User.objects.in_bulk([user_id for user_id, _post in pairs])
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + timedelta(hours=2)
    store = SessionStore()
    sessions, out = [], []
    for user_id, post_id in pairs:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user_id),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: users[user_id].get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        out.append((key, post_id))
    Session.objects.bulk_create(sessions, batch_size=2000)
    return out


def prepare(depth: int) -> dict:
    """Pick the busiest product, its most used tag, a common search word, a post with 10+
    comments, cursors deep in the feeds; make sessions for a reader and for the voters."""
    product_id = (
        selectors.listed_posts().values("product").annotate(n=Count("id")).order_by("-n")[0]
    )["product"]
    from products.models import Product

    product = Product.objects.get(pk=product_id)
    tag = (
        Tag.objects.filter(posts__product=product).annotate(n=Count("posts")).order_by("-n").first()
    )
    word = max(
        SEARCH_WORDS,
        key=lambda w: selectors.count_capped(
            selectors.post_feed(selectors.FeedFilters(q=w, sort="new"), product=product), 5000
        ),
    )
    post = (
        selectors.listed_posts()
        .filter(product=product, comment_count__gte=10)
        .order_by("comment_count", "id")
        .first()
    )
    all_new = selectors.post_feed(selectors.FeedFilters(sort="new"))
    api_cursor, api_depth = _deep_cursor(all_new, depth, 20)
    product_new = selectors.post_feed(selectors.FeedFilters(sort="new"), product=product)
    html_cursor, html_depth = _deep_cursor(product_new, depth, 20)
    reader = User.objects.filter(username__startswith="user").order_by("id").first()
    return {
        "product": product,
        "tag": tag.slug if tag else "",
        "word": word,
        "post": post,
        "api_cursor": api_cursor,
        "api_depth": api_depth,
        "html_cursor": html_cursor,
        "html_depth": html_depth,
        "reader_session": load.session_cookie(reader),
        "product_posts": product_new.count(),
        "all_posts": all_new.count(),
    }


def endpoints(data: dict) -> list[dict]:
    slug = data["product"].slug
    feed = f"/community/{slug}/"
    api = "/api/v1/posts/"

    def get(name, path, params=None, kind="read", **extra):
        url = path + ("?" + urlencode(params) if params else "")
        return {"name": name, "method": "GET", "url": url, "kind": kind} | extra

    rows = [
        get("bare view", "/bench/bare/", kind="baseline"),
        get("feed new (HTML)", feed),
        get("feed top (HTML)", feed, {"sort": "top"}),
        get("feed trending (HTML)", feed, {"sort": "trending"}),
        get("feed new (API)", api, {"product": slug}),
        get("feed top (API)", api, {"product": slug, "sort": "top"}),
        get("feed trending (API)", api, {"product": slug, "sort": "trending"}),
        get("all posts, first page (API)", api),
        get(
            f"all posts, {data['api_depth']} pages deep (API)", api, {"cursor": data["api_cursor"]}
        ),
        get(f"feed {data['html_depth']} pages deep (HTML)", feed, {"cursor": data["html_cursor"]}),
        get(f"tag #{data['tag']} (HTML)", feed, {"tag": data["tag"]}),
        get(f"search “{data['word']}” (HTML)", feed, {"q": data["word"]}, kind="search"),
        get(
            f"search “{data['word']}” (API)",
            api,
            {"product": slug, "q": data["word"]},
            kind="search",
        ),
    ]
    if data["post"] is not None:
        rows.append(
            get(
                f"post page, {data['post'].comment_count} comments", data["post"].get_absolute_url()
            )
        )
    signed_in = f"sessionid={data['reader_session']}"
    rows.append(get("feed new, logged in (HTML)", feed, kind="signed_in", cookie=signed_in))
    rows.append(
        get(
            "feed top, logged in (API)",
            api,
            {"product": slug, "sort": "top"},
            kind="signed_in",
            cookie=signed_in,
        )
    )
    rows.append(
        get(
            f"search “{data['word']}”, logged in (HTML)",
            feed,
            {"q": data["word"]},
            kind="signed_in_search",
            cookie=signed_in,
        )
    )
    if data["post"] is not None:
        rows.append(
            get(
                "post page, logged in",
                data["post"].get_absolute_url(),
                kind="signed_in",
                cookie=signed_in,
            )
        )
    rows.append(
        {
            "name": "cast a vote (API)",
            "method": "POST",
            "url": "",
            "kind": "vote",
            "per_request": _vote_request,
            "outcome": _vote_outcome,
        }
    )
    return rows


def _vote_request(vote: tuple[str, int]) -> tuple[str, dict]:
    """The URL and headers of a vote by a voter's session on a post (a CSRF token of its own)."""
    session, post_id = vote
    csrf = secrets.token_hex(16)
    return f"/api/v1/posts/{post_id}/vote/", {
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Length": "0",
    }


def _vote_outcome(vote: tuple[str, int], payload: bytes) -> tuple[int, int]:
    return vote[1], json.loads(payload)["vote_count"]


# --- Query plans ---------------------------------------------------------------------------------


def explain(data: dict, out: Path) -> None:
    """EXPLAIN ANALYZE of each feed query as the pages run it (first page and deep), summed up:
    execution time, the indexes it reads, and any sort with how many rows it sorted."""
    import re

    product = data["product"]
    cases = [
        ("new", {"sort": "new"}, product),
        ("top", {"sort": "top"}, product),
        ("trending", {"sort": "trending"}, product),
        ("kind=modification, new", {"kind": "modification"}, product),
        ("status=planned, top", {"status": "planned", "sort": "top"}, product),
        (f"tag={data['tag']}, new", {"tag": data["tag"]}, product),
        (f"tag={data['tag']}, top", {"tag": data["tag"], "sort": "top"}, product),
        (f"search {data['word']}, relevance", {"q": data["word"]}, product),
        (f"search {data['word']}, new", {"q": data["word"], "sort": "new"}, product),
        ("all products, new", {"sort": "new"}, None),
        ("all products, top", {"sort": "top"}, None),
    ]
    plans = []
    for name, filters, scope in cases:
        posts = selectors.post_feed(selectors.FeedFilters(**filters), product=scope)
        for depth in (0, 1, data["html_depth"] if scope else data["api_depth"]):
            values = None
            if depth:
                rows = list(posts[depth * 20 - 1 : depth * 20])
                if not rows:
                    continue
                values = [getattr(rows[0], n) for n, _d in keyset._ordering(posts)]
            query = keyset.page_query(posts, values, page_size=20)
            plan = query.explain(analyze=True, buffers=True)
            plans.append(f"## {name}, {depth} pages deep\n{plan}\n")
            time_ms = re.search(r"Execution Time: ([\d.]+)", plan).group(1)
            indexes = sorted(
                set(
                    re.findall(
                        r"(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)",
                        plan,
                    )
                )
            )
            sorts = re.findall(r"Sort .*?actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", plan)
            scans = re.findall(r"Seq Scan on (\w+)", plan)
            print(
                f"  {name:38} {depth:5} deep: {float(time_ms):7.2f} ms; indexes {', '.join(indexes)}"
                + (f"; SORT of {', '.join(sorts)} rows" if sorts else "")
                + (f"; SEQ SCAN {', '.join(scans)}" if scans else "")
            )
    out.write_text("\n".join(plans))
    print(f"plans written to {out}")


# --- Report --------------------------------------------------------------------------------------


def verdict(row, bare_rps) -> str:
    if row["kind"] == "baseline":
        return ""
    p95_max, rps_min = TARGETS[row["kind"]]
    ok = row["errors"] == 0 and row["rps"] >= rps_min and (p95_max is None or row["p95"] <= p95_max)
    return "met" if ok else "NOT met"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--depth", type=int, default=2000, help="Pages deep for the deep feed.")
    parser.add_argument("--votes", type=int, default=20000, help="Voters prepared.")
    parser.add_argument("--only", default="", help="Run only endpoints whose name contains this.")
    parser.add_argument("--json", default="", help="Also write the results to this file.")
    parser.add_argument(
        "--no-cache", action="store_true", help="Turn the anonymous page cache off."
    )
    parser.add_argument(
        "--explain", default="", help="Only print the feed queries' plans (full ones to this file)."
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = prepare(args.depth)
    if args.explain:
        explain(data, Path(args.explain))
        return
    votes = _voting_sessions(data["product"], args.votes)
    rows = endpoints(data)
    before = dict(
        Post.objects.filter(pk__in=[p for _s, p in votes]).values_list("pk", "vote_count")
    )
    print(
        f"product {data['product'].slug}: {data['product_posts']} listed posts "
        f"(of {data['all_posts']}); {len(votes)} voters ready; setup {time.perf_counter() - t0:.1f} s"
    )
    connection.close()

    if args.only:
        rows = [row for row in rows if args.only in row["name"] or row["kind"] == "baseline"]
    results, peaks = load.run_all(
        rows,
        args.seconds,
        cache_seconds=0 if args.no_cache else 5,
        items_for=lambda row: votes if row["kind"] == "vote" else (),
    )

    print()
    print(
        f"{load.CLIENTS} clients, {args.seconds:g} s per endpoint, gunicorn {load.WORKERS} sync "
        f"workers, anonymous page cache {'off' if args.no_cache else 'on (5 s)'}"
    )
    print()
    load.print_rows(results, verdict)

    vote_rows = [row for row in results if row["kind"] == "vote"]
    if vote_rows:
        cast = vote_rows[0]["outcomes"]
        posts = [post_id for post_id, _count in cast]
        after = dict(Post.objects.filter(pk__in=posts).values_list("pk", "vote_count"))
        counted = dict(
            Vote.objects.filter(post_id__in=posts)
            .values("post_id")
            .annotate(n=Count("id"))
            .values_list("post_id", "n")
        )
        wrong = [p for p in posts if after[p] != before[p] + 1 or counted.get(p, 0) != after[p]]
        print()
        print(
            f"votes: {len(cast)} cast with 200, {len(posts) - len(set(posts))} repeated posts; "
            f"vote_count exact (before + 1 = COUNT(votes)) on {len(posts) - len(wrong)} of "
            f"{len(posts)} posts" + (f"; WRONG: {wrong[:10]}" if wrong else "")
        )
    print()
    load.print_peaks(peaks)
    if args.json:
        load.write_json(Path(args.json), results, peaks)


if __name__ == "__main__":
    main()
