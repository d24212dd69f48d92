"""What a generation's release means to its community: the ideas it ships are credited, and the
people who supported them hear of it.

`release_credit` is the catalog's release hook (`products.services.register_release_hook`,
registered in apps.py): it runs inside the release's transaction, writes the credits and queues
the notices through the outbox, so the release is never saved without them. `release_notify`
(the `notify_generation_shipped` task) sends the notices. Both are idempotent: a repeated
release credits and notifies nobody twice, and only catches up on ideas adopted since.

Who hears: every active voter and follower of a shipped idea, and everyone credited for one,
except whoever released it: one notice per person and generation (dedupe key
`product.shipped:<product id>`), however many of their ideas shipped, in their own language.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext_lazy

from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_send
from cocreate.outbox.services import outbox_enqueue
from products.models import Product

from .models import Credit, Follow, Post, Vote

# Merges of merges are followed this deep when crediting co-authors (one query a level).
MERGE_DEPTH = 10
# Recipients per notification_send call: a very popular idea's supporters go in batches.
NOTIFY_BATCH = 1000
RELEASED_STATUSES = (Product.Status.ON_SALE, Product.Status.DISCONTINUED)


def shipped_ideas(product: Product) -> QuerySet[Post]:
    """The ideas `product` ships: adopted into it, and shown to everyone."""
    return Post.objects.listed().filter(adopted_in=product, status=Post.Status.ADOPTED)


def _co_authors(idea_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """{idea id: {co-author id: the duplicate they wrote}}: the authors of the duplicates merged
    into each idea, and into those duplicates, and so on (a merged post keeps its own merged
    duplicates). Duplicates everyone may see only: a hidden one credits nobody."""
    root_of = {pk: pk for pk in idea_ids}
    frontier = list(root_of)
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for _level in range(MERGE_DEPTH):
        if not frontier:
            break
        rows = (
            Post.objects.listed()
            .filter(duplicate_of_id__in=frontier, status=Post.Status.DUPLICATE)
            .order_by("created_at", "id")
            .values_list("pk", "duplicate_of_id", "author_id")
        )
        frontier = []
        for pk, parent, author_id in rows:
            if pk in root_of:  # a loop in the data: seen already
                continue
            root_of[pk] = root_of[parent]
            frontier.append(pk)
            found[root_of[pk]].setdefault(author_id, pk)
    return found


def release_credit(*, product: Product, by) -> int:
    """The release hook: credit each idea `product` ships (its author, and its co-authors) and
    queue the notices, in the release's transaction. Returns the number of new credits."""
    ideas = list(shipped_ideas(product).values_list("pk", "author_id"))
    if not ideas:
        return 0
    co_authors = _co_authors(pk for pk, _author in ideas)
    rows = []
    for pk, author_id in ideas:
        rows.append(Credit(user_id=author_id, post_id=pk, product=product, role=Credit.Role.AUTHOR))
        rows += [
            Credit(
                user_id=user_id,
                post_id=pk,
                product=product,
                role=Credit.Role.CO_AUTHOR,
                via_id=duplicate_id,
            )
            for user_id, duplicate_id in co_authors.get(pk, {}).items()
            if user_id != author_id
        ]
    created = Credit.objects.bulk_create(rows, ignore_conflicts=True)
    from .tasks import notify_generation_shipped

    outbox_enqueue(notify_generation_shipped, product.pk, getattr(by, "pk", None))
    return len([credit for credit in created if credit.pk])


class _Formatted:
    """A lazy translation with its %-parameters, formatted when str() is called: in each
    recipient's language (notification_send activates it)."""

    def __init__(self, message, params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message % self.params)


def _title(*, product: Product, credited: list[Post], supported: list[Post]) -> _Formatted:
    params = {"product": product.name}
    if credited:
        if len(credited) == 1:
            message = gettext_lazy("Your idea shipped in %(product)s: %(title)s")
            return _Formatted(message, params | {"title": credited[0].title})
        message = ngettext_lazy(
            "%(count)d of your ideas shipped in %(product)s",
            "%(count)d of your ideas shipped in %(product)s",
            "count",
        )
        return _Formatted(message, params | {"count": len(credited)})
    if len(supported) == 1:
        message = gettext_lazy("Shipped in %(product)s: %(title)s")
        return _Formatted(message, params | {"title": supported[0].title})
    message = ngettext_lazy(
        "%(count)d idea you supported shipped in %(product)s",
        "%(count)d ideas you supported shipped in %(product)s",
        "count",
    )
    return _Formatted(message, params | {"count": len(supported)})


def release_notify(*, product_id: int, released_by_id: int | None = None) -> int:
    """Tell the supporters of the ideas the generation ships (see the module's docstring).
    Returns the number of notices created; nothing once they all were, or when the generation
    is no longer released."""
    product = Product.objects.filter(pk=product_id, status__in=RELEASED_STATUSES).first()
    if product is None:
        return 0
    ideas = {post.pk: post for post in shipped_ideas(product).only("pk", "title")}
    if not ideas:
        return 0
    supported: dict[int, set[int]] = defaultdict(set)
    for model in (Vote, Follow):
        pairs = model.objects.filter(post_id__in=ideas).values_list("user_id", "post_id")
        for user_id, post_id in pairs:
            supported[user_id].add(post_id)
    credited: dict[int, set[int]] = defaultdict(set)
    for user_id, post_id in Credit.objects.filter(post_id__in=ideas).values_list(
        "user_id", "post_id"
    ):
        credited[user_id].add(post_id)
        supported[user_id].add(post_id)
    supported.pop(released_by_id, None)
    dedupe_key = f"product.shipped:{product.pk}"
    # Told already (an earlier release or run): left out before any work is done for them.
    told = Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=list(supported))
    for user_id in told.values_list("recipient_id", flat=True):
        supported.pop(user_id, None)

    # People whose notice reads the same are told in one call.
    groups: dict[tuple, list[int]] = defaultdict(list)
    for user_id, post_ids in supported.items():
        own = tuple(sorted(credited.get(user_id, ())))
        key = ("credited", own if len(own) == 1 else len(own)) if own else None
        if key is None:
            key = ("supported", tuple(post_ids) if len(post_ids) == 1 else len(post_ids))
        groups[key].append(user_id)

    url = reverse("products:changelog", args=[product.slug])
    body = _Formatted(
        ngettext_lazy(
            "%(product)s is out with %(count)d idea from its community. Thank you for shaping "
            "it: see who is credited in its changelog.",
            "%(product)s is out with %(count)d ideas from its community. Thank you for shaping "
            "it: see who is credited in its changelog.",
            "count",
        ),
        {"product": product.name, "count": len(ideas)},
    )
    users = get_user_model().objects.filter(is_active=True)
    sent = 0
    for user_ids in groups.values():
        for start in range(0, len(user_ids), NOTIFY_BATCH):
            recipients = list(users.filter(pk__in=user_ids[start : start + NOTIFY_BATCH]))
            if not recipients:
                continue
            first = recipients[0].pk
            title = _title(
                product=product,
                credited=[ideas[pk] for pk in sorted(credited.get(first, ()))],
                supported=[ideas[pk] for pk in sorted(supported[first])],
            )
            sent += len(
                notification_send(
                    recipients=recipients,
                    kind="product.shipped",
                    title=title,
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key,
                )
            )
    return sent
