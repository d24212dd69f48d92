"""Demo data of the service desk: canned responses, articles, and tickets of alice
and bob in every state (with replies, notes, a repair shipment and ratings).

Idempotent: responses and articles are found by their natural keys, tickets by their
customer and subject; what exists is left alone. Products come from products/seed.py by slug;
a ticket or article whose product is missing is skipped.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.core.clock import clock_at
from products.models import Product, Registration

from . import services
from .models import (
    CannedResponse,
    Category,
    KnowledgeArticle,
    SlaPolicy,
    Ticket,
)
from .sla_defaults import default_policies_create

Status = Ticket.Status

CANNED = [
    (
        "Ask for a photo",
        Category.TECHNICAL_SUPPORT,
        "Hello {customer},\n\nthank you for ticket {ticket}. Could you send us a photo of the "
        "unit and of the label under it (serial number)? You can attach it to your reply.",
    ),
    (
        "Repair: send the unit in",
        Category.UPGRADE_MAINTENANCE,
        "Hello {customer},\n\nwe will repair it under warranty. A prepaid shipping label is on "
        "its way; pack the unit without accessories. You can follow the parcel on this ticket.",
    ),
    (
        "Firmware update steps",
        Category.TECHNICAL_SUPPORT,
        "Hello {customer},\n\nplease update to the latest firmware: *Settings → System → "
        "Update*. Keep the device charging during the update and tell us if the problem stays.",
    ),
    (
        "Resolved: anything else?",
        "",
        "Hello {customer},\n\nwe consider ticket {ticket} resolved. If anything is still wrong, "
        "just reply here within two weeks and it reopens.",
    ),
]

# slug, product slug (None = all products), category, title, body
ARTICLES = [
    (
        "aurora-3-battery-drains-overnight",
        "aurora-3",
        Category.TECHNICAL_SUPPORT,
        "Aurora 3: battery drains overnight",
        "If the battery loses more than 5 % overnight:\n\n1. Update to the latest firmware "
        "(*Settings → System → Update*).\n2. Open *Settings → Battery → Usage* and look for an "
        "app with background activity.\n3. Turn off **Always-on display** for a night to "
        "compare.\n\nStill draining? File a ticket and attach a screenshot of the usage screen.",
    ),
    (
        "beacon-ax6000-wifi-drops",
        "beacon-ax6000",
        Category.TECHNICAL_SUPPORT,
        "Beacon AX6000: Wi-Fi drops in the evening",
        "Evening drops on the **5 GHz** band are usually a busy channel.\n\n- Open the router "
        "app → *Wi-Fi → 5 GHz → Channel* and choose **Auto (DFS)**.\n- Update the router "
        "firmware to 2.4 or later.\n- Keep the router off the floor and away from metal.",
    ),
    (
        "forge-s2-fan-noise",
        "forge-s2",
        Category.UPGRADE_MAINTENANCE,
        "Forge S2: the fan is loud or grinding",
        "A loud fan under load is normal; a **grinding** noise is not.\n\n1. Clean the dust "
        "filter at the bottom.\n2. Set the fan curve to *Balanced* in the BIOS.\n3. If it "
        "still grinds, the bearing is worn: we replace it under warranty — file a ticket.",
    ),
    (
        "sonata-two-stereo-pairing",
        "sonata-two",
        Category.CONSULTATION,
        "Sonata Two: pair two speakers as a stereo pair",
        "Two Sonata Two speakers can play left and right:\n\n1. Put both in the same room in "
        "the app.\n2. Tap *Room → Stereo pair* and choose which one is on the left.\n\nBoth "
        "speakers need firmware 3.1 or later.",
    ),
    (
        "returns-and-shipping",
        None,
        Category.LOGISTICS,
        "Returns, repairs and shipping: how it works",
        "When a repair is needed we send you a **prepaid label**. Pack the unit without "
        "accessories, drop it at the carrier and follow the parcel on your ticket. Repairs "
        "take 3–5 working days; the repaired unit comes back by tracked parcel.",
    ),
    (
        "warranty-what-is-covered",
        None,
        Category.CONSULTATION,
        "What the warranty covers",
        "The warranty covers manufacturing defects for the period shown on your registered "
        "unit (*My products*). Accidental damage and liquid damage are not covered; an "
        "extended warranty or insurance can be added to any registered unit.",
    ),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _seed_canned(author) -> None:
    for title, category, body in CANNED:
        CannedResponse.objects.get_or_create(
            title=title, defaults={"category": category, "body": body, "created_by": author}
        )


# Chinese versions of articles above: slug, slug of the original, title, body.
TRANSLATIONS = [
    (
        "aurora-3-battery-drains-overnight-zh",
        "aurora-3-battery-drains-overnight",
        "Aurora 3：夜间电池耗电快",
        "如果电池一夜之间掉电超过 5%：\n\n1. 更新到最新固件（*设置 → 系统 → 更新*）。\n"
        "2. 打开 *设置 → 电池 → 使用情况*，查看是否有应用在后台活动。\n"
        "3. 关闭 **息屏显示** 一晚作对比。\n\n仍然耗电？请提交工单，并附上使用情况页面的截图。",
    ),
    (
        "returns-and-shipping-zh",
        "returns-and-shipping",
        "退货、维修和寄送：流程说明",
        "需要维修时，我们会给您发送一张**预付运单**。请取下配件后包装好设备，交给快递，"
        "并在工单中跟踪包裹。维修需要 3–5 个工作日；修好的设备会通过可追踪的包裹寄回。",
    ),
]


def _seed_translations(author) -> int:
    count = 0
    for slug, original_slug, title, body in TRANSLATIONS:
        original = KnowledgeArticle.objects.filter(slug=original_slug).first()
        if original is None or KnowledgeArticle.objects.filter(slug=slug).exists():
            continue
        article = services.article_save(
            author=author,
            title=title,
            body=body,
            category=original.category,
            product=original.product,
            status=KnowledgeArticle.Status.PUBLISHED,
            language="zh-hans",
            translation_of=original,
        )
        KnowledgeArticle.objects.filter(pk=article.pk).update(slug=slug)
        count += 1
    return count


def _seed_articles(author, products: dict[str, Product]) -> int:
    count = 0
    for slug, product_slug, category, title, body in ARTICLES:
        if KnowledgeArticle.objects.filter(slug=slug).exists():
            continue
        if product_slug and product_slug not in products:
            continue
        article = services.article_save(
            author=author,
            title=title,
            body=body,
            category=category,
            product=products.get(product_slug),
            status=KnowledgeArticle.Status.PUBLISHED,
        )
        KnowledgeArticle.objects.filter(pk=article.pk).update(slug=slug)
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
    shipments = sum(len(statuses) for *_parcel, statuses in spec.get("shipments", []))
    return (
        1  # filing
        + bool(spec.get("agent"))
        + len(spec.get("conversation", []))
        + shipments
        + len(spec.get("statuses", []))
        + bool(spec.get("rating"))
        + bool(spec.get("closed"))
    )


def _ticket(spec: dict, customer, product, agents) -> Ticket:
    story = _Story(age=timedelta(hours=spec.get("age_hours", 1)), steps=_steps(spec))
    registration = Registration.objects.filter(customer=customer, product=product).first()
    with story.step():
        ticket = services.ticket_create(
            customer=customer,
            product=product,
            registration=registration,
            category=spec["category"],
            subject=spec["subject"],
            description=spec["description"],
        )
    agent = agents.get(spec.get("agent", ""))
    if agent is not None:
        with story.step():
            services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    for who, body, internal in spec.get("conversation", []):
        author = customer if who == "customer" else agent
        with story.step():
            services.ticket_reply(ticket=ticket, author=author, body=body, internal=internal)
    for direction, carrier, tracking, statuses in spec.get("shipments", []):
        with story.step():
            shipment = services.shipment_create(
                ticket=ticket,
                actor=agent,
                direction=direction,
                carrier=carrier,
                tracking_number=tracking,
                note=statuses[0][1],
            )
        for status, note in statuses[1:]:
            with story.step():
                services.shipment_update(shipment=shipment, actor=agent, status=status, note=note)
    for status in spec.get("statuses", []):
        with story.step():
            services.ticket_change_status(ticket=ticket, actor=agent, status=status)
    if spec.get("rating"):
        score, comment = spec["rating"]
        with story.step():
            services.ticket_rate(ticket=ticket, customer=customer, score=score, comment=comment)
    if spec.get("closed"):
        with story.step():
            services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    return ticket


TICKETS = [
    {
        "customer": "alice",
        "product": "aurora-3",
        "category": Category.TECHNICAL_SUPPORT,
        "subject": "Battery drains overnight",
        "description": "My Aurora 3 loses about 20 % every night, even in flight mode.",
        "age_hours": 2,
    },
    {
        "customer": "alice",
        "product": "beacon-ax6000",
        "category": Category.LOGISTICS,
        "subject": "Where is my replacement router?",
        "description": "I was told a replacement would ship last week. Nothing arrived yet.",
        "age_hours": 3.5,  # the logistics SLA (first answer within 4 h) is nearly due
    },
    {
        "customer": "alice",
        "product": "beacon-ax6000",
        "category": Category.TECHNICAL_SUPPORT,
        "subject": "5 GHz Wi-Fi drops every evening",
        "description": "Between 8 and 10 pm the 5 GHz network disappears for a minute or two.",
        "age_hours": 20,
        "agent": "sam",
        "conversation": [
            ("agent", "Probably the channel planner; checking the logs of firmware 2.3.", True),
            (
                "agent",
                "Thanks for the details! Please set the 5 GHz channel to **Auto (DFS)** and "
                "update to firmware 2.4; tell us how tonight goes.",
                False,
            ),
            ("customer", "Done, I will report back tomorrow.", False),
        ],
    },
    {
        "customer": "bob",
        "product": "forge-s2",
        "category": Category.UPGRADE_MAINTENANCE,
        "subject": "Fan grinding noise under load",
        "description": "The fan makes a grinding noise when gaming. Cleaning did not help.",
        "age_hours": 96,
        "agent": "tina",
        "conversation": [
            (
                "agent",
                "A worn bearing: we will repair it under warranty. Label is on its way.",
                False,
            ),
            ("customer", "Parcel handed to the carrier this morning.", False),
            ("agent", "Bearing replaced, burn-in test passed. Shipping it back today.", False),
        ],
        "shipments": [
            (
                "inbound",
                "DHL",
                "JD014600003311",
                [("label_created", "Prepaid label sent by e-mail"), ("delivered", "Received")],
            ),
            (
                "outbound",
                "DHL",
                "JD014600003390",
                [("label_created", "Repaired unit packed"), ("in_transit", "")],
            ),
        ],
    },
    {
        "customer": "bob",
        "product": "sonata-two",
        "category": Category.CONSULTATION,
        "subject": "Can two speakers play as a stereo pair?",
        "description": "I bought a second Sonata Two. Can they play left and right?",
        "age_hours": 26,
        "agent": "sam",
        "conversation": [
            (
                "agent",
                "Yes! Which firmware do your speakers show under *Settings → About*?",
                False,
            )
        ],
        "statuses": [Status.PENDING_CUSTOMER],
    },
    {
        "customer": "bob",
        "product": "aurora-2",
        "category": Category.TECHNICAL_SUPPORT,
        "subject": "Screen flickers at low brightness",
        "description": "Below 20 % brightness the screen flickers, mostly in dark mode.",
        "age_hours": 80,  # nobody answered: the SLA is breached and the job escalates it
    },
    {
        "customer": "alice",
        "product": "aurora-1",
        "category": Category.UPGRADE_MAINTENANCE,
        "subject": "Battery replacement for my Aurora 1",
        "description": "After four years the battery lasts half a day. Can I get a new one?",
        "age_hours": 60,
        "agent": "tina",
        "conversation": [
            ("agent", "The Aurora 1 battery is user-replaceable; we sent part BAT-AUR1.", False),
            ("customer", "Received and installed, works like new!", False),
        ],
        "statuses": [Status.RESOLVED],
        "rating": (5, "Fast, friendly and the phone lives on."),
    },
    {
        "customer": "bob",
        "product": "aurora-2",
        "category": Category.LOGISTICS,
        "subject": "Charger missing from the box",
        "description": "The box of my Aurora 2 had no USB-C charger although the page lists one.",
        "age_hours": 40,
        "agent": "sam",
        "conversation": [("agent", "Sorry about that: a charger is on its way to you.", False)],
        "statuses": [Status.RESOLVED],
        "rating": (4, "Took a while but solved."),
        "closed": True,
    },
    {
        "customer": "alice",
        "product": "aurora-3",
        "category": Category.CONSULTATION,
        "subject": "Does the Aurora 3 support eSIM?",
        "description": "I want to use an eSIM from my carrier when travelling.",
        "age_hours": 30,
        "agent": "sam",
        "conversation": [
            (
                "agent",
                "Yes: *Settings → Network → SIMs → Add eSIM* and scan your carrier's QR code.",
                False,
            )
        ],
        "statuses": [Status.RESOLVED],  # alice can still rate this one
    },
    {
        # li reads CoCreate in Chinese, in Shanghai time.
        "customer": "li",
        "product": "aurora-3",
        "category": Category.TECHNICAL_SUPPORT,
        "subject": "充电时手机背面很烫",
        "description": "用原装充电器快充时，手机背面烫得握不住。这正常吗？",
        "age_hours": 20,
        "agent": "tina",
        "conversation": [
            (
                "agent",
                "快充时温度会升高，但不应烫手。请先更新系统，再取下手机壳充电试试，并告诉我们结果。",
                False,
            )
        ],
        "statuses": [Status.PENDING_CUSTOMER],
    },
]


def seed(out) -> None:
    agents = {name: _user(name) for name in ("sam", "tina")}
    if agents["sam"] is None:
        out.write("  service desk: skipped (the demo agent sam is missing)")
        return
    agents = {name: agent or agents["sam"] for name, agent in agents.items()}
    products = {product.slug: product for product in Product.objects.all()}
    default_policies_create()  # the migration made them, unless a test emptied the table
    _seed_canned(agents["sam"])
    articles = _seed_articles(agents["sam"], products)
    articles += _seed_translations(agents["sam"])

    created = skipped = 0
    for spec in TICKETS:
        customer = _user(spec["customer"])
        product = products.get(spec["product"])
        if customer is None or product is None:
            skipped += 1
            continue
        if Ticket.objects.filter(customer=customer, subject=spec["subject"]).exists():
            continue
        _ticket(spec, customer, product, agents)
        created += 1
    result = services.sla_check()
    out.write(
        f"  service desk: {created} tickets, {articles} articles, {SlaPolicy.objects.count()} SLA "
        f"policies, {len(CANNED)} canned responses ({skipped} tickets skipped for a missing "
        f"product or customer; SLA check: {result})"
    )
