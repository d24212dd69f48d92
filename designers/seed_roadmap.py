"""Demo data of the public roadmap and of a released generation's changelog
(`[roadmap]` in designers/seed_data/demo.toml), called by designers/seed.py after its decisions.

Everything goes through the services people use, each at its moment (`clock_at`): members
write and vote (community's `post_create`, `vote_cast`), Dana plans, adopts and merges
(`post_status_change`), staff release the generation (`product_release`, which credits the
authors and co-authors), and the release's notices are sent as its task would send them.
Idempotent: posts are found by title, decisions skipped once made, the release and its notices
credit and notify nobody twice.
"""

from datetime import timedelta

from cocreate.accounts.models import User
from cocreate.core.clock import clock_at
from community.models import Post
from community.releases import release_notify
from community.services import post_create, vote_cast
from products.models import Product
from products.services import product_release

from .services import post_status_change

# Members vote for an idea over its first weeks.
VOTES_OVER = timedelta(days=20)
# The statuses a seeded decision may still be made from.
UNDECIDED = (Post.Status.OPEN, Post.Status.UNDER_REVIEW)


def seed_roadmap(dana: User, spec: dict) -> str:
    products = Product.objects.in_bulk(field_name="slug")
    shipped = _released_story(dana, spec, products)
    decided = sum(_decision(dana, row, products) for row in spec["decisions"])
    on_roadmap = Post.objects.listed().filter(status__in=["planned", "in_progress"]).count()
    return f"roadmap: {on_roadmap} planned or in progress, {decided} new; {shipped}"


def _released_story(dana: User, spec: dict, products: dict) -> str:
    released, older = products.get(spec["released"]), products.get(spec["from"])
    releaser = User.objects.filter(username=spec["released_by"]).first()
    if released is None or older is None or releaser is None:
        return "no released generation (catalog or staff missing)"
    voters = list(User.objects.filter(groups__name="customer", is_active=True).order_by("username"))
    for row in spec["shipped"]:
        idea = _story_post(row, older, voters)
        if idea is None:
            continue
        if "duplicate" in row and idea.status in UNDECIDED:
            duplicate = _story_post({**row["duplicate"], "kind": row["kind"]}, older, voters=[])
            if duplicate is not None and duplicate.status in UNDECIDED:
                with clock_at(row["duplicate"]["written"] + timedelta(days=3)):
                    post_status_change(
                        post=duplicate,
                        status=Post.Status.DUPLICATE,
                        message=spec["merge_message"],
                        author=dana,
                        duplicate_of=idea,
                    )
        if "planned" in row and idea.status in UNDECIDED:
            with clock_at(row["planned"]):
                post_status_change(
                    post=idea,
                    status=Post.Status.PLANNED,
                    message=row["planned_message"],
                    author=dana,
                )
            idea.refresh_from_db()
        if idea.status != Post.Status.ADOPTED:
            with clock_at(row["adopted"]):
                post_status_change(
                    post=idea,
                    status=Post.Status.ADOPTED,
                    message=row["adopted_message"],
                    author=dana,
                    adopted_in=released,
                )
    with clock_at(spec["released_at"]):
        product_release(product=released, by=releaser)
        told = release_notify(product_id=released.pk, released_by_id=releaser.pk)
    return f"{released.name} released with its changelog ({told} people told now)"


def _story_post(row: dict, product: Product, voters: list[User]) -> Post | None:
    """The post of the story, written (and voted for) unless it exists."""
    post = Post.objects.filter(product=product, title=row["title"]).first()
    if post is not None:
        return post
    author = User.objects.filter(username=row["author"]).first()
    if author is None:
        return None
    # A member writing in 2023 had joined by then.
    joined = row["written"] - timedelta(days=365)
    User.objects.filter(pk=author.pk, date_joined__gt=joined).update(date_joined=joined)
    with clock_at(row["written"]):
        post = post_create(
            author=author,
            product=product,
            kind=row["kind"],
            title=row["title"],
            body=row["body"],
            language=row.get("language", ""),
        )
    supporters = [voter for voter in voters if voter.pk != author.pk][: row.get("votes", 0)]
    for index, voter in enumerate(supporters):
        with clock_at(row["written"] + VOTES_OVER * (index + 1) / (len(supporters) + 1)):
            vote_cast(user=voter, post=post)
    post.refresh_from_db()
    return post


def _decision(dana: User, row: dict, products: dict) -> bool:
    """Dana's public answer putting an idea of today's communities on the roadmap."""
    product = products.get(row["product"])
    target = products.get(row.get("target", ""))
    post = Post.objects.filter(product=product, title=row["title"]).first() if product else None
    if post is None or post.status not in UNDECIDED:
        return False
    post_status_change(
        post=post, status=row["status"], message=row["message"], author=dana, adopted_in=target
    )
    return True
