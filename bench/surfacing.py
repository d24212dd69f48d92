"""Surfacing benchmark: the full run and an incremental run of the surfacing job at scale.

Run against a database of its own (the generator only fills an empty one), e.g.

    createdb -h 127.0.0.1 -U postgres cocreate_designers_bench
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_designers_bench \\
        REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/surfacing.py

It migrates and generates the scale data (`manage.py generate_scale`: --users, --posts posts,
default 100,000, over the demo catalog's 13 products and --votes votes, default 1,000,000,
long-tailed), unless scale data is already there, then times a full run (every post scored),
casts --new-votes (1,000) votes through the vote service and times the incremental run. Prints the seconds and the
process's peak memory (ru_maxrss).
"""

import argparse
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

from cocreate.accounts.models import User  # noqa: E402
from community.models import Post, Vote  # noqa: E402
from community.services import vote_cast  # noqa: E402
from designers.models import JobState  # noqa: E402
from designers.surfacing import surface_popular  # noqa: E402


def _setup(users: int, posts: int, votes: int) -> None:
    """Migrate and generate the scale data (`manage.py generate_scale`) unless it is there."""
    call_command("migrate", verbosity=0)
    call_command("generate_scale", users=users, posts=posts, votes=votes, if_empty=True)


def _new_votes(count: int) -> None:
    """`count` votes by fresh voters on `count` open posts, cast through the vote service, so
    counters, reputation and follows stay what check_consistency expects."""
    start = User.objects.filter(username__startswith="fresh-").count()
    voters = User.objects.bulk_create(
        User(username=f"fresh-{start + i}", email=f"f{start + i}@example.com", password="!")
        for i in range(count)
    )
    posts = Post.objects.listed().filter(is_locked=False).order_by("?")
    for voter, post in zip(voters, posts[:count], strict=False):
        vote_cast(user=voter, post=post)


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
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--new-votes", type=int, default=1_000)
    args = parser.parse_args()
    started = time.perf_counter()
    _setup(args.users, args.posts, args.votes)
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
