"""Scale data of the service desk: tickets in every state with their conversations and audit
history, on registered units where the customer owns one, a few linked to community posts.

Each ticket is simulated as a short story (filed, answered, waiting, resolved, rated, closed)
whose moments set the SLA fields the services would have set; its messages and events are
copied in bulk, then their search documents are written from them. Ticket numbers and search
vectors are generated columns.
"""

from datetime import datetime, timedelta
from functools import cache

from django.conf import settings

from cocreate.accounts.models import User
from cocreate.core.bulkload import (
    MarkdownBlocks,
    ScaleContext,
    after,
    copy_line,
    copy_rows,
    recent_biased,
    reserve_ids,
    weighted_choice,
)
from community import scale_texts as texts
from products.models import Registration
from products.scale import popularity

from .models import Category, Priority, SlaPolicy, SlaState, Ticket, TicketEvent, TicketMessage
from .search_document import documents_refresh_range
from .services.metrics import metrics_refresh
from .sla_defaults import default_policies_create

Status, Event = Ticket.Status, TicketEvent.Kind
STATUS_WEIGHTS = [
    (Status.NEW, 8),
    (Status.OPEN, 14),
    (Status.PENDING_CUSTOMER, 6),
    (Status.RESOLVED, 25),
    (Status.CLOSED, 47),
]
PRIORITY_WEIGHTS = [
    (Priority.LOW, 20),
    (Priority.NORMAL, 55),
    (Priority.HIGH, 20),
    (Priority.URGENT, 5),
]
CATEGORY_WEIGHTS = [
    (Category.TECHNICAL_SUPPORT, 50),
    (Category.CONSULTATION, 20),
    (Category.UPGRADE_MAINTENANCE, 18),
    (Category.LOGISTICS, 12),
]
CHUNK = 10_000  # tickets generated and copied at a time
LINKED_SHARE = 0.04  # of technical tickets, escalated to a community post

SUBJECTS = [
    "{Feature} {symptom}",
    "My {p}: the {feature} {symptom}",
    "{p} {feature} problem after {fw}",
    "Warranty repair? The {feature} {symptom}",
]
DESCRIPTIONS = [
    "My {p} is {owned} old. Since firmware **{fw}** the {feature} {symptom}, {when}.",
    "The {feature} of my {p} {symptom}. It happens {when}; a restart does not help.",
    "Hello, the {feature} {symptom} {when}. I already tried a factory reset.",
]
DESCRIPTION_EXTRAS = [
    "What I tried:\n\n- Restarting\n- Updating to {fw}\n- Resetting the settings",
    "Serial number and receipt are in my registered products.",
    "Can you replace it under warranty?",
]
AGENT_REPLIES = [
    "Hello, thank you for the details. Could you tell us which firmware version the {p} runs?",
    "Thanks for reporting this. Please update to {fw} and tell us if the {feature} still {symptom}.",
    "We are sorry about the {feature}. A prepaid label is on its way: send the unit in for repair.",
    "The team knows about this issue; the next update fixes it. We will keep you posted here.",
]
CUSTOMER_REPLIES = [
    "It runs {fw}. The problem is still there.",
    "Updated as you said; it is better but still happens {when}.",
    "Thanks, the parcel is on its way.",
    "That fixed it, thank you!",
]
# What customers whose language is Chinese reply (their tickets' forms are in English).
CUSTOMER_REPLIES_ZH = [
    "升级到 {fw} 以后电池续航还是很差，{p} 经常自动关机。",
    "还是不行，屏幕一直闪烁，{fw} 也试过了。",
    "谢谢，已经寄出了，快递单号在附件里。",
    "问题解决了，非常感谢！",
]
NOTES = [
    "Known issue with {fw}, see the linked community post.",
    "Customer has a registered unit under warranty: OK to replace.",
    "Asked the product team whether a fix is planned.",
    "客户的保修还有效，可以直接换新。",
]
CSAT_COMMENTS = ["", "", "Quick and friendly.", "Took a while, but solved.", "Great support!"]


def generate(ctx: ScaleContext) -> None:
    if not ctx.tickets:
        return
    default_policies_create()
    policies = {(p.priority, p.category): p for p in SlaPolicy.objects.all()}
    ctx.made["chinese_speakers"] = set(
        User.objects.filter(pk__in=ctx.made["customers"], language="zh-hans").values_list(
            "pk", flat=True
        )
    )
    registrations = {
        (customer, product): pk
        for pk, customer, product in Registration.objects.filter(
            customer_id__in=ctx.made["customers"]
        ).values_list("pk", "customer_id", "product_id")
    }
    posts_by_product: dict[int, list[int]] = {}
    for post in ctx.made.get("posts", []):
        if not (post.is_deleted or post.hidden_reason):
            posts_by_product.setdefault(post.product.pk, []).append(post)
    first = reserve_ids(Ticket._meta.db_table, ctx.tickets)
    markdown = MarkdownBlocks()
    messages = events = 0
    # In chunks, so the conversations of 100,000 tickets are never all in memory.
    for start in range(0, ctx.tickets, CHUNK):
        stories = [
            _story(ctx, first + offset, policies, registrations, posts_by_product)
            for offset in range(start, min(start + CHUNK, ctx.tickets))
        ]
        messages += _copy_tickets(ctx, stories, markdown)
        documents_refresh_range(stories[0].id, stories[-1].id)
        events += copy_rows(
            ctx,
            TicketEvent,
            ["ticket_id", "actor_id", "kind", "old_value", "new_value", "internal", "created_at"],
            (copy_line(story.id, *e[1:], e[0]) for story in stories for e in story.events),
        )
    ctx.log(f"{ctx.tickets:,} tickets, {messages:,} messages, {events:,} events")


def finish(ctx: ScaleContext) -> None:
    """The metrics' daily figures of every day the tickets and deflections were copied into
    (their triggers marked those days stale)."""
    ctx.log(f"desk metrics: {metrics_refresh():,} days of figures")


def _copy_tickets(ctx: ScaleContext, stories: list, markdown: MarkdownBlocks) -> int:
    """The tickets and their messages; returns the number of messages."""
    messages = []
    copy_rows(ctx, Ticket, TICKET_COLUMNS, _ticket_rows(ctx, stories, messages, markdown))
    return copy_rows(
        ctx,
        TicketMessage,
        ["ticket_id", "author_id", "internal", "body", "body_html", "created_at"],
        messages,
    )


TICKET_COLUMNS = [
    "id", "category", "subject", "description", "description_html", "status", "priority",
    "created_at", "updated_at", "sla_policy_id", "first_response_due_at",
    "first_response_warn_at", "resolution_due_at", "resolution_warn_at", "sla_state",
    "sla_breached_at", "escalated_at", "paused_at", "paused_seconds", "first_responded_at",
    "resolved_at", "closed_at", "csat_score", "csat_comment", "csat_rated_at", "assignee_id",
    "customer_id", "product_id", "registration_id", "linked_post_id",
]  # fmt: skip


class _Story:
    """One ticket's life: its fields, and its messages and events as (when, …) tuples."""

    def __init__(self, ticket_id: int, created: datetime):
        self.id = ticket_id
        self.created = created
        self.fields: dict = {}
        self.messages: list[tuple] = []  # (when, author, internal, text)
        self.events: list[tuple] = []  # (when, actor, kind, old, new, internal)
        self.clock = created

    def later(self, ctx: ScaleContext, mean_hours: float) -> datetime:
        self.clock = after(ctx.rng, self.clock, ctx.now, mean_hours=mean_hours)
        return self.clock


def _story(ctx, ticket_id, policies, registrations, posts_by_product) -> _Story:
    rng = ctx.rng
    products = ctx.made["products"]
    customer = rng.choice(ctx.made["customers"])
    owned = sorted(ctx.made["owned"].get(customer, ()))
    if owned and rng.random() < 0.85:
        chosen = rng.choice(owned)
        product = next(p for p in products if p.pk == chosen)
    else:
        product = rng.choices(products, weights=[popularity(p) for p in products])[0]
    status = weighted_choice(rng, STATUS_WEIGHTS)
    active = status in Ticket.ACTIVE_STATUSES
    if active:  # still being worked on: filed in the last weeks
        created = ctx.now - timedelta(hours=rng.expovariate(1 / (24 * 6)))
        created = max(created, ctx.start)
    else:
        created = recent_biased(rng, ctx.start, ctx.now - timedelta(days=1))
    story = _Story(ticket_id, created)
    category = weighted_choice(rng, CATEGORY_WEIGHTS)
    priority = weighted_choice(rng, PRIORITY_WEIGHTS)
    topic = rng.choice(texts.FEATURES[product.line.slug])
    policy = policies.get((priority, category)) or policies.get((priority, ""))
    story.fields = {
        "category": category,
        "priority": priority,
        "status": status,
        "customer": customer,
        "product": product,
        "topic": topic,
        "registration": registrations.get((customer, product.pk)),
        "policy": policy,
    }
    _sla_targets(story, policy)
    story.events.append((created, customer, Event.CREATED, "", _label(Category(category)), False))
    _conversation(ctx, story, status)
    if category == Category.TECHNICAL_SUPPORT and rng.random() < LINKED_SHARE:
        candidates = posts_by_product.get(product.pk)
        if candidates:
            agent = story.fields.get("assignee") or rng.choice(ctx.made["agents"])
            post = rng.choice(candidates)
            story.fields["linked_post"] = post.id
            when = after(rng, created, ctx.now, mean_hours=12)
            story.events.append((when, agent, Event.LINKED_POST, "", post.title, True))
    _sla_outcome(ctx, story)
    return story


@cache
def _label(choice) -> str:
    """The label the services store in events (in the default language)."""
    return str(choice.label)


def _status_event(when, agent, old: str, new: str) -> tuple:
    return (when, agent, Event.STATUS, _label(Status(old)), _label(Status(new)), False)


def _sla_targets(story: _Story, policy: SlaPolicy | None) -> None:
    """Due and warning times, as services.sla._apply_sla sets them at creation."""
    fields = story.fields
    if policy is None:
        fields.update(first_due=None, first_warn=None, resolution_due=None, resolution_warn=None)
        return
    fraction = settings.SERVICE_DESK_SLA_WARN_FRACTION
    first = timedelta(minutes=policy.first_response_minutes)
    resolution = timedelta(minutes=policy.resolution_minutes)
    fields.update(
        first_due=story.created + first,
        first_warn=story.created + first * (1 - fraction),
        resolution_due=story.created + resolution,
        resolution_warn=story.created + resolution * (1 - fraction),
    )


def _conversation(ctx: ScaleContext, story: _Story, status: str) -> None:
    """Messages and events up to `status`: answered, maybe waiting, resolved, rated, closed."""
    rng = ctx.rng
    fields = story.fields
    customer = fields["customer"]
    agent = rng.choice(ctx.made["agents"])
    names = ctx.made["names"]
    replies = CUSTOMER_REPLIES_ZH if customer in ctx.made["chinese_speakers"] else CUSTOMER_REPLIES
    if status == Status.NEW:
        if rng.random() < 0.3:
            fields["assignee"] = agent
            story.events.append(
                (story.later(ctx, 1), agent, Event.ASSIGNEE, "", names[agent], False)
            )
        return
    fields["assignee"] = agent
    story.events.append((story.later(ctx, 2), agent, Event.ASSIGNEE, "", names[agent], False))
    # The first public answer opens the ticket and stamps the first response.
    when = story.later(ctx, 4)
    story.messages.append((when, agent, False, rng.choice(AGENT_REPLIES)))
    story.events.append((when, agent, Event.REPLY, "", "", False))
    story.events.append(_status_event(when, agent, Status.NEW, Status.OPEN))
    fields["first_responded_at"] = when
    for _ in range(rng.randint(0, 3)):
        when = story.later(ctx, 12)
        story.messages.append((when, customer, False, rng.choice(replies)))
        when = story.later(ctx, 6)
        if rng.random() < 0.2:
            story.messages.append((when, agent, True, rng.choice(NOTES)))
            story.events.append((when, agent, Event.NOTE, "", "", True))
        else:
            story.messages.append((when, agent, False, rng.choice(AGENT_REPLIES)))
            story.events.append((when, agent, Event.REPLY, "", "", False))
    if status == Status.OPEN:
        return
    if status == Status.PENDING_CUSTOMER:
        when = story.later(ctx, 2)
        story.events.append(_status_event(when, agent, Status.OPEN, status))
        fields["paused_at"] = when
        return
    when = story.later(ctx, 8)
    story.events.append(_status_event(when, agent, Status.OPEN, Status.RESOLVED))
    fields["resolved_at"] = when
    if rng.random() < 0.4:
        when = story.later(ctx, 24)
        score = weighted_choice(rng, [(5, 45), (4, 30), (3, 12), (2, 7), (1, 6)])
        fields.update(csat_score=score, csat_comment=rng.choice(CSAT_COMMENTS), csat_rated_at=when)
        story.events.append((when, customer, Event.RATED, "", str(score), False))
    if status == Status.CLOSED:
        when = story.later(ctx, 24 * 7)
        story.events.append(_status_event(when, agent, Status.RESOLVED, Status.CLOSED))
        fields["closed_at"] = when


def _sla_outcome(ctx: ScaleContext, story: _Story) -> None:
    """sla_state and sla_breached_at as services.sla._sla_state leaves them (a breach stays)."""
    fields = story.fields
    met_late = [
        (fields.get("first_responded_at"), fields["first_due"]),
        (fields.get("resolved_at"), fields["resolution_due"]),
    ]
    breached_at = None
    for met, due in met_late:
        if met and due and met > due:
            breached_at = min(breached_at or met, met)
    targets = []
    if fields.get("first_responded_at") is None and fields["first_due"]:
        targets.append((fields["first_warn"], fields["first_due"]))
    if fields.get("resolved_at") is None and fields["resolution_due"]:
        targets.append((fields["resolution_warn"], fields["resolution_due"]))
    active = fields["status"] in Ticket.ACTIVE_STATUSES
    if breached_at is None and active and not fields.get("paused_at"):
        overdue = [due for _warn, due in targets if due <= ctx.now]
        if overdue:
            breached_at = min(overdue)  # the SLA job noticed it when it passed
    state = SlaState.ON_TRACK
    if breached_at is not None:
        state = SlaState.BREACHED
        story.events.append((breached_at, None, Event.SLA_BREACHED, "", "", True))
    elif active and not fields.get("paused_at") and any(w <= ctx.now for w, _d in targets):
        state = SlaState.AT_RISK
    # The SLA job wrote "at risk" when the first target reached its warning time unmet.
    warned = [
        warn
        for warn, met in (
            (fields["first_warn"], fields.get("first_responded_at")),
            (fields["resolution_warn"], fields.get("resolved_at")),
        )
        if warn and warn <= min(met or ctx.now, ctx.now)
    ]
    if warned and (breached_at is None or min(warned) < breached_at):
        story.events.append((min(warned), None, Event.SLA_AT_RISK, "", "", True))
    fields.update(sla_state=state, sla_breached_at=breached_at)


def _ticket_rows(ctx, stories, messages: list, markdown: MarkdownBlocks):
    rng = ctx.rng
    for story in stories:
        f = story.fields
        fill = _filler(rng, f)
        subject = fill(rng.choice(SUBJECTS))
        blocks = [fill(rng.choice(DESCRIPTIONS))]
        if rng.random() < 0.5:
            blocks.append(fill(rng.choice(DESCRIPTION_EXTRAS)))
        description, description_html = markdown(blocks)
        for when, author, internal, text in story.messages:
            body, html = markdown([fill(text)])
            messages.append(copy_line(story.id, author, internal, body, html, when))
        updated = max([story.created, *(e[0] for e in story.events)])
        policy = f["policy"]
        yield (
            story.id, f["category"], subject, description, description_html, f["status"],
            f["priority"], story.created, updated, policy.pk if policy else None, f["first_due"],
            f["first_warn"], f["resolution_due"], f["resolution_warn"], f["sla_state"],
            f["sla_breached_at"], None, f.get("paused_at"), 0, f.get("first_responded_at"),
            f.get("resolved_at"), f.get("closed_at"), f.get("csat_score"),
            f.get("csat_comment", ""), f.get("csat_rated_at"), f.get("assignee"), f["customer"],
            f["product"].pk, f["registration"], f.get("linked_post"),
        )  # fmt: skip


def _filler(rng, fields: dict):
    feature, _tag, symptoms, wishes = fields["topic"]
    values = {
        "p": fields["product"].name,
        "feature": feature,
        "Feature": feature[0].upper() + feature[1:],
        "symptom": rng.choice(symptoms),
        "fw": rng.choice(texts.FIRMWARE),
        "owned": rng.choice(texts.OWNED_FOR),
        "when": rng.choice(texts.WHEN[fields["product"].line.slug]),
    }
    return lambda template: template.format(**values)
