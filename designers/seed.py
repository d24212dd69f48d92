"""Demo data of the designers' workspace (designers/seed_data/demo.toml); runs after community's
seed (INSTALLED_APPS order).

Dana (the demo designer) is on the Aurora team; the surfacing job fills the review queue from
the seeded communities; a few decisions are published (one idea adopted into Aurora 4); an
evaluation with a poll asks the community; the roadmap and Aurora 3's changelog are told by
seed_roadmap.py. Idempotent, and skips what earlier seeds lack.
"""

from django.db.models import Q

from cocreate.accounts.models import User
from cocreate.core.seed_data import demo_data
from community.models import Post, StatusChange
from products.models import Product

from .models import PollAnswer, ProductTeam, ReviewItem
from .seed_roadmap import seed_roadmap
from .services import evaluation_publish, poll_answer, post_status_change
from .surfacing import surface_popular


def seed(out) -> None:
    data = demo_data(__file__)
    dana = User.objects.filter(username=data["designer"]).first()
    if dana is None:
        out.write("  designers: no demo designer yet, nothing to seed")
        return
    for product in Product.objects.filter(slug__in=data["team_products"]):
        ProductTeam.objects.get_or_create(product=product, user=dana)
    if not Post.objects.exists():
        out.write("  designers: no community posts yet, nothing to surface")
        return
    # Once: a later run would surface the posts that moved up after the demo decisions.
    surfaced = 0 if ReviewItem.objects.exists() else surface_popular().surfaced
    decided = _decisions(dana, data["decisions"])
    evaluation = _evaluation(dana, data["evaluation"])
    roadmap = seed_roadmap(dana, data["roadmap"])
    out.write(
        f"  designers: {ReviewItem.objects.count()} items in the review queue "
        f"({surfaced} new), {decided} decisions, evaluation: {evaluation}; {roadmap}"
    )


def _decisions(dana, spec) -> int:
    current = Product.objects.filter(slug=spec["product"]).first()
    successor = Product.objects.filter(slug=spec["adopted_in"]).first()
    if current is None or StatusChange.objects.filter(author=dana).exists():
        return 0
    items = ReviewItem.objects.filter(product=current, state=ReviewItem.State.NEW)
    items = list(items.select_related("post").order_by("-score")[: len(spec["answers"])])
    done = 0
    for item, answer in zip(items, spec["answers"], strict=False):
        status = Post.Status(answer["status"])
        if status == Post.Status.ADOPTED and successor is None:
            continue
        post_status_change(
            post=item.post,
            status=status,
            message=answer["message"],
            author=dana,
            adopted_in=successor if status == Post.Status.ADOPTED else None,
        )
        done += 1
    return done


def _evaluation(dana, spec) -> str:
    products = Product.objects.in_bulk(spec["products"], field_name="slug")
    product = next((products[slug] for slug in spec["products"] if slug in products), None)
    if product is None:
        return "skipped (no Aurora product)"
    post = Post.objects.filter(kind=Post.Kind.EVALUATION, title=spec["title"]).first()
    if post is None:
        post = evaluation_publish(
            author=dana,
            product=product,
            title=spec["title"],
            body=spec["body"],
            question=spec["question"],
            choices=spec["choices"],
        )
    poll = post.poll
    if not PollAnswer.objects.filter(poll=poll).exists():
        choices = list(poll.choices.all())
        voters = User.objects.filter(
            Q(groups__name="customer"), ~Q(username__in=["alice", "bob"])
        ).order_by("username")[:15]
        for index, voter in enumerate(voters):
            poll_answer(poll=poll, choice=choices[(index * 7) % len(choices)], user=voter)
    return "published with a poll"
