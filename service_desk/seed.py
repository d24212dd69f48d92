"""Demo data of the service desk: canned responses, macros, trigger rules, shared views,
articles, and tickets of alice, bob and li in every state (with replies, notes, a repair
shipment and ratings), as service_desk/seed_data/demo.toml tells them.

Idempotent: responses and articles are found by their natural keys, tickets by their customer
and subject; what exists is left alone. Products come from products/seed.py by slug; a ticket or
article whose product is missing is skipped. The SLA policies come from a migration
(service_desk/sla_defaults.py).
"""

from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.core.clock import clock_at
from cocreate.core.seed_data import demo_data
from products.models import Product, Registration

from . import services
from .models import (
    CannedResponse,
    Category,
    KnowledgeArticle,
    Macro,
    Mailbox,
    Priority,
    SavedView,
    Shipment,
    SlaPolicy,
    Ticket,
    TriggerRule,
)
from .sla_defaults import default_policies_create

Status = Ticket.Status


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _seed_canned(rows, author) -> None:
    for row in rows:
        CannedResponse.objects.get_or_create(
            title=row["title"],
            defaults={
                "category": Category(row["category"]) if row["category"] else "",
                "body": row["body"],
                "created_by": author,
            },
        )


def _seed_macros(rows, author) -> None:
    for row in rows:
        macro, created = Macro.objects.get_or_create(
            title=row["title"],
            defaults={
                "reply": row["reply"],
                "set_status": row["status"],
                "set_priority": Priority[row["priority"].upper()] if row["priority"] else None,
                "assign": row["assign"],
                "created_by": author,
            },
        )
        if created:
            macro.add_tags.set(services.tags_named(row["tags"]))


def _seed_trigger_rules(rows) -> None:
    for row in rows:
        rule, created = TriggerRule.objects.get_or_create(
            name=row["name"],
            defaults={
                "position": row["position"],
                "category": row.get("category", ""),
                "subject_words": row["subject_words"],
                "set_priority": Priority[row["priority"].upper()] if row["priority"] else None,
            },
        )
        if created:
            rule.add_tags.set(services.tags_named(row["tags"]))


def _seed_saved_views(rows, owner) -> None:
    for row in rows:
        if not SavedView.objects.filter(owner=owner, name=row["name"]).exists():
            services.saved_view_create(
                owner=owner, name=row["name"], filters=row["filters"], shared=True
            )


def _seed_articles(rows, author, products: dict[str, Product]) -> int:
    count = 0
    for row in rows:
        if KnowledgeArticle.objects.filter(slug=row["slug"]).exists():
            continue
        if "product" in row and row["product"] not in products:
            continue
        article = services.article_save(
            author=author,
            title=row["title"],
            body=row["body"],
            category=Category(row["category"]),
            product=products.get(row.get("product")),
            status=KnowledgeArticle.Status.PUBLISHED,
        )
        KnowledgeArticle.objects.filter(pk=article.pk).update(slug=row["slug"])
        count += 1
    return count


def _seed_translations(rows, author) -> int:
    count = 0
    for row in rows:
        original = KnowledgeArticle.objects.filter(slug=row["original"]).first()
        if original is None or KnowledgeArticle.objects.filter(slug=row["slug"]).exists():
            continue
        article = services.article_save(
            author=author,
            title=row["title"],
            body=row["body"],
            category=original.category,
            product=original.product,
            status=KnowledgeArticle.Status.PUBLISHED,
            language=row["language"],
            translation_of=original,
        )
        KnowledgeArticle.objects.filter(pk=article.pk).update(slug=row["slug"])
        count += 1
    return count


class _Story:
    """The moments a demo ticket's story is told at: each service call runs in `step()`, under
    `clock_at` (cocreate/core/clock.py), so every row it writes (the ticket, its SLA times,
    messages, shipments, notifications and the append-only audit history) carries the story's
    time from the start and nothing is rewritten afterwards.

    Step k of n happens (k/n)³ of the ticket's age after its filing: the agent takes it and
    answers quickly, then the conversation slows down, as real ones do; the demo's SLAs are met
    unless a story is meant to breach them."""

    def __init__(self, *, age: timedelta, steps: int):
        self.start = timezone.now() - age
        self.age = age
        self.steps = max(steps, 1)
        self.done = 0

    @contextmanager
    def step(self):
        with clock_at(self.start + self.age * (self.done / self.steps) ** 3):
            yield
        self.done += 1


def _steps(spec: dict) -> int:
    """How many service calls a story makes (the clock moves between them)."""
    return (
        1  # filing
        + ("agent" in spec)
        + len(spec.get("conversation", []))
        + sum(len(shipment["history"]) for shipment in spec.get("shipments", []))
        + len(spec.get("statuses", []))
        + ("rating" in spec)
        + spec.get("closed", False)
    )


def _ticket(spec: dict, customer, product, agents) -> Ticket:
    story = _Story(age=timedelta(hours=float(spec["age_hours"])), steps=_steps(spec))
    registration = Registration.objects.filter(customer=customer, product=product).first()
    with story.step():
        ticket = services.ticket_create(
            customer=customer,
            product=product,
            registration=registration,
            category=Category(spec["category"]),
            subject=spec["subject"],
            description=spec["description"],
        )
    agent = agents.get(spec.get("agent", ""))
    if agent is not None:
        with story.step():
            services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    for message in spec.get("conversation", []):
        author = customer if message["by"] == "customer" else agent
        with story.step():
            services.ticket_reply(
                ticket=ticket,
                author=author,
                body=message["body"],
                internal=message.get("internal", False),
            )
    for parcel in spec.get("shipments", []):
        first, *later = parcel["history"]
        with story.step():
            shipment = services.shipment_create(
                ticket=ticket,
                actor=agent,
                direction=Shipment.Direction(parcel["direction"]),
                carrier=parcel["carrier"],
                tracking_number=parcel["tracking_number"],
                note=first["note"],
            )
        for update in later:
            with story.step():
                services.shipment_update(
                    shipment=shipment,
                    actor=agent,
                    status=Shipment.Status(update["status"]),
                    note=update["note"],
                )
    for status in spec.get("statuses", []):
        with story.step():
            services.ticket_change_status(ticket=ticket, actor=agent, status=Status(status))
    if "rating" in spec:
        with story.step():
            services.ticket_rate(
                ticket=ticket,
                customer=customer,
                score=spec["rating"]["score"],
                comment=spec["rating"]["comment"],
            )
    if spec.get("closed"):
        with story.step():
            services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    return ticket


def _seed_mailbox(spec: dict, products: dict[str, Product]) -> str:
    """The demo support mailbox, once; an existing one of that name is left as staff set it."""
    product = products.get(spec["product"])
    if product is None:
        return "skipped (its product is missing)"
    mailbox, _ = Mailbox.objects.get_or_create(
        name=spec["name"], defaults={**spec, "product": product}
    )
    return str(mailbox)


def seed(out) -> None:
    agents = {name: _user(name) for name in ("sam", "tina")}
    if agents["sam"] is None:
        out.write("  service desk: skipped (the demo agent sam is missing)")
        return
    agents = {name: agent or agents["sam"] for name, agent in agents.items()}
    data = demo_data(__file__)
    products = {product.slug: product for product in Product.objects.all()}
    default_policies_create()  # the migration made them, unless a test emptied the table
    _seed_canned(data["canned_responses"], agents["sam"])
    _seed_macros(data["macros"], agents["sam"])
    articles = _seed_articles(data["articles"], agents["sam"], products)
    articles += _seed_translations(data["translations"], agents["sam"])

    mailbox = _seed_mailbox(data["mailbox"], products)
    created = skipped = 0
    for spec in data["tickets"]:
        customer = _user(spec["customer"])
        product = products.get(spec["product"])
        if customer is None or product is None:
            skipped += 1
            continue
        if Ticket.objects.filter(customer=customer, subject=spec["subject"]).exists():
            continue
        _ticket(spec, customer, product, agents)
        created += 1
    _seed_trigger_rules(data["trigger_rules"])
    _seed_saved_views(data["saved_views"], agents["sam"])
    result = services.sla_check()
    out.write(
        f"  service desk: {created} tickets, {articles} articles, {SlaPolicy.objects.count()} SLA "
        f"policies, {len(data['canned_responses'])} canned responses, "
        f"{len(data['macros'])} macros ({skipped} tickets skipped "
        f"for a missing product or customer; SLA check: {result}); mailbox: {mailbox}"
    )
