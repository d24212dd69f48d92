"""Surfacing benchmark: the full run and an incremental run of the surfacing job at scale.

Run against a database of its own (it adds rows and does not delete them), e.g.

    createdb -h 127.0.0.1 -U postgres cocreate_designers_bench
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_designers_bench \\
        REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/surfacing.py

It migrates, loads the demo catalog, tops up to --posts posts (default 100,000) over the first
10 products and --votes votes (default 1,000,000, generated in SQL), then times a full run
(every post scored), adds --new-votes (1,000) votes and times the incremental run. Prints the
seconds and the process's peak memory (ru_maxrss).
"""

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from cocreate.accounts.models import User  # noqa: E402
from community.models import Post, Vote  # noqa: E402
from designers.models import JobState  # noqa: E402
from designers.surfacing import surface_popular  # noqa: E402
from products.models import Product  # noqa: E402
from products.seed import seed as seed_catalog  # noqa: E402

VOTERS = 2000
VOTES_PER_POST_MAX = 10  # distinct voters per post: (i * 7 + k * 199) % VOTERS, k < 10


def _setup(posts: int, votes: int) -> None:
    call_command("migrate", verbosity=0)
    seed_catalog(io.StringIO())
    products = list(Product.objects.order_by("id")[:10])
    have = User.objects.filter(username__startswith="bench-").count()
    User.objects.bulk_create(
        User(username=f"bench-{i}", email=f"bench-{i}@example.com", password="!")
        for i in range(have, VOTERS)
    )
    users = list(User.objects.filter(username__startswith="bench-").values_list("pk", flat=True))
    missing = posts - Post.objects.count()
    if missing > 0:
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Post._meta.db_table} (product_id, author_id, kind, title, body,
                    body_html, status, hidden_reason, is_hidden, is_locked, is_deleted,
                    vote_count, comment_count, flag_count, created_at, updated_at,
                    last_activity_at, trending_score)
                SELECT (%(products)s::bigint[])[1 + i %% %(np)s],
                       (%(users)s::bigint[])[1 + i %% %(nu)s],
                       CASE WHEN i %% 2 = 0 THEN 'suggestion' ELSE 'modification' END,
                       'Bench idea ' || i, 'Body of bench idea ' || i, '<p>Body</p>', 'open',
                       '', false, false, false, 0, 0, 0,
                       %(now)s - (i %% 60) * interval '1 day', %(now)s, %(now)s, 0
                FROM generate_series(1, %(n)s) AS i
                """,
                {
                    "products": [p.pk for p in products],
                    "np": len(products),
                    "users": users,
                    "nu": len(users),
                    "now": now,
                    "n": missing,
                },
            )
    if Vote.objects.count() < votes:
        per_post = min(VOTES_PER_POST_MAX, max(1, votes // posts))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Vote._meta.db_table} (user_id, post_id, created_at)
                SELECT (%(users)s::bigint[])[1 + ((p.rn * 7 + k * 199) %% %(nu)s)], p.id,
                       p.created_at + (k * interval '3 hours')
                FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS rn
                      FROM {Post._meta.db_table}) p
                CROSS JOIN generate_series(0, %(k)s - 1) AS k
                ON CONFLICT DO NOTHING
                """,
                {"users": users, "nu": len(users), "k": per_post},
            )
            cursor.execute(
                f"""UPDATE {Post._meta.db_table} p SET vote_count = v.n FROM
                    (SELECT post_id, count(*) n FROM {Vote._meta.db_table} GROUP BY post_id) v
                    WHERE v.post_id = p.id AND p.vote_count <> v.n"""
            )
    with connection.cursor() as cursor:
        # The generated history's last activity is its last vote, days ago (not "now").
        cursor.execute(
            f"""UPDATE {Post._meta.db_table}
                SET last_activity_at = LEAST(created_at + interval '27 hours',
                                             now() - interval '1 hour')
                WHERE last_activity_at > now() - interval '1 hour'
                  AND title LIKE 'Bench idea %%'"""
        )
        cursor.execute("VACUUM ANALYZE")


def _new_votes(count: int) -> None:
    """`count` votes by fresh voters on `count` posts, the way vote_cast moves activity."""
    start = User.objects.filter(username__startswith="fresh-").count()
    voters = User.objects.bulk_create(
        User(username=f"fresh-{start + i}", email=f"f{start + i}@example.com", password="!")
        for i in range(count)
    )
    posts = list(Post.objects.order_by("?").values_list("pk", flat=True)[:count])
    now = timezone.now()
    Vote.objects.bulk_create(Vote(user=u, post_id=p) for u, p in zip(voters, posts, strict=False))
    Post.objects.filter(pk__in=posts).update(last_activity_at=now)


def _timed(label: str) -> None:
    started = time.perf_counter()
    result = surface_popular()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label}: {seconds:.2f} s, rescored {result.rescored}, surfaced {result.surfaced}, "
        f"peak memory {peak_mb:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--new-votes", type=int, default=1_000)
    args = parser.parse_args()
    started = time.perf_counter()
    _setup(args.posts, args.votes)
    print(
        f"data: {Post.objects.count()} posts, {Vote.objects.count()} votes "
        f"({time.perf_counter() - started:.0f} s to prepare)"
    )
    JobState.objects.filter(name="surface_popular").delete()  # a full run
    _timed("full run")
    _new_votes(args.new_votes)
    _timed(f"incremental run after {args.new_votes} new votes")
    _timed("incremental run, no new activity")


if __name__ == "__main__":
    main()
