"""Demo data of the designers' workspace; runs after community's seed (INSTALLED_APPS order).

Dana (the demo designer) is on the Aurora team; the surfacing job fills the review queue from
the seeded communities; a few decisions are published (one idea adopted into Aurora 4); an
evaluation with a poll asks the community. Idempotent, and skips what earlier seeds lack.
"""

from django.db.models import Q

from cocreate.accounts.models import User
from community.models import Post, StatusChange
from products.models import Product

from .models import PollAnswer, ProductTeam, ReviewItem
from .services import evaluation_publish, poll_answer, post_status_change
from .surfacing import surface_popular

DESIGNER = "dana"
TEAM_PRODUCTS = ["aurora-3", "aurora-4"]
EVALUATION_TITLE = "Evaluation: three hinge designs for the Aurora 4 folding case"


def seed(out) -> None:
    dana = User.objects.filter(username=DESIGNER).first()
    if dana is None:
        out.write("  designers: no demo designer yet, nothing to seed")
        return
    products = {p.slug: p for p in Product.objects.filter(slug__in=TEAM_PRODUCTS)}
    for product in products.values():
        ProductTeam.objects.get_or_create(product=product, user=dana)
    if not Post.objects.exists():
        out.write("  designers: no community posts yet, nothing to surface")
        return
    # Once: a later run would surface the posts that moved up after the demo decisions.
    surfaced = 0 if ReviewItem.objects.exists() else surface_popular().surfaced
    decided = _decisions(dana, products)
    evaluation = _evaluation(dana, products.get("aurora-4") or products.get("aurora-3"))
    out.write(
        f"  designers: {ReviewItem.objects.count()} items in the review queue "
        f"({surfaced} new), {decided} decisions, evaluation: {evaluation}"
    )


def _decisions(dana, products) -> int:
    current, successor = products.get("aurora-3"), products.get("aurora-4")
    if current is None or StatusChange.objects.filter(author=dana).exists():
        return 0
    items = list(
        ReviewItem.objects.filter(product=current, state=ReviewItem.State.NEW)
        .select_related("post")
        .order_by("-score")[:4]
    )
    plan = [
        (
            Post.Status.ADOPTED,
            "Thank you! This is in **Aurora 4**: the prototype team built it and it ships with "
            "the first batch.",
        ),
        (Post.Status.PLANNED, "We like it and have planned it for the next firmware cycle."),
        (Post.Status.UNDER_REVIEW, "The hardware team is measuring what this would cost."),
        (
            Post.Status.DECLINED,
            "We tried it, but it made the phone 2 mm thicker. Thanks for the detailed build.",
        ),
    ]
    done = 0
    for item, (status, message) in zip(items, plan, strict=False):
        if status == Post.Status.ADOPTED and successor is None:
            continue
        post_status_change(
            post=item.post,
            status=status,
            message=message,
            author=dana,
            adopted_in=successor if status == Post.Status.ADOPTED else None,
        )
        done += 1
    return done


def _evaluation(dana, product) -> str:
    if product is None:
        return "skipped (no Aurora product)"
    post = Post.objects.filter(kind=Post.Kind.EVALUATION, title=EVALUATION_TITLE).first()
    if post is None:
        post = evaluation_publish(
            author=dana,
            product=product,
            title=EVALUATION_TITLE,
            body=(
                "We built three hinges for the folding case that many of you asked for and "
                "opened and closed each 50,000 times.\n\n"
                "- **Steel friction hinge**: the stiffest, 4 g heavier.\n"
                "- **Cam hinge**: clicks open at 120°.\n"
                "- **Magnetic hinge**: the lightest, the case can come apart.\n\n"
                "Tell us which one you would pick."
            ),
            question="Which hinge should the Aurora 4 folding case use?",
            choices=["Steel friction hinge", "Cam hinge", "Magnetic hinge"],
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
