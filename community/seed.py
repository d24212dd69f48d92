"""Demo communities: a few hundred posts across the demo products, with votes, comments,
follows, reputation and modifications built from catalog parts.

Runs after products/seed.py. Products and parts are found by slug and SKU; what does not exist
is skipped. Idempotent: a product whose community already has posts is left alone. Counters
and the reputation ledger are written in bulk but always equal the rows they count.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant
from cocreate.core.markdown import render_markdown
from products.models import Part, Product, Registration

from .models import (
    REPUTATION_POINTS,
    Comment,
    Flag,
    Follow,
    Post,
    PostPart,
    ReputationEvent,
    Tag,
    Vote,
)
from .services import flag_create

# username, display name, time zone: owners from the markets the products sell in.
MEMBERS = [
    ("mei.chen", "Mei Chen", "Asia/Shanghai"),
    ("lukas.weber", "Lukas Weber", "Europe/Berlin"),
    ("priya.nair", "Priya Nair", "Asia/Kolkata"),
    ("tomas.novak", "Tomáš Novák", "Europe/Prague"),
    ("sofia.rossi", "Sofia Rossi", "Europe/Rome"),
    ("kenji.ito", "Kenji Ito", "Asia/Tokyo"),
    ("amara.okafor", "Amara Okafor", "Africa/Lagos"),
    ("lucas.martin", "Lucas Martin", "Europe/Paris"),
    ("hana.kim", "Hana Kim", "Asia/Seoul"),
    ("diego.fernandez", "Diego Fernández", "America/Mexico_City"),
    ("emma.johansson", "Emma Johansson", "Europe/Stockholm"),
    ("wei.zhang", "Wei Zhang", "Asia/Shanghai"),
    ("olivia.brown", "Olivia Brown", "Europe/London"),
    ("noah.smith", "Noah Smith", "America/New_York"),
    ("fatima.haddad", "Fatima Haddad", "Asia/Dubai"),
    ("jan.dejong", "Jan de Jong", "Europe/Amsterdam"),
    ("ana.silva", "Ana Silva", "America/Sao_Paulo"),
    ("raj.patel", "Raj Patel", "Europe/London"),
    ("yuki.tanaka", "Yuki Tanaka", "Asia/Tokyo"),
    ("marta.kowalska", "Marta Kowalska", "Europe/Warsaw"),
    ("liam.oconnor", "Liam O'Connor", "Europe/Dublin"),
    ("chloe.dubois", "Chloé Dubois", "Europe/Paris"),
    ("ahmed.hassan", "Ahmed Hassan", "Africa/Cairo"),
    ("isabel.garcia", "Isabel García", "Europe/Madrid"),
    ("minh.nguyen", "Minh Nguyen", "Asia/Ho_Chi_Minh"),
    ("sara.lindqvist", "Sara Lindqvist", "Europe/Helsinki"),
]
DEMO_CUSTOMERS = ["alice", "bob"]
TEAM = ["sam", "tina", "dana"]

# Per product line: topics, each (tags, [(kind, title, body)]). "{p}" is the product's name.
TOPICS = {
    "smartphones": [
        (
            ["battery"],
            [
                (
                    "feedback",
                    "Battery drops 20% overnight on the {p}",
                    "Since the last update my {p} loses about a fifth of its charge overnight with "
                    "Wi-Fi on. *Battery usage* shows the system at the top.",
                ),
                (
                    "suggestion",
                    "Let us cap charging at 80% to protect the battery",
                    "Many of us charge overnight. An option to stop at 80% would keep the battery "
                    "healthy for years, like laptops do.",
                ),
                (
                    "question",
                    "How many charge cycles is the {p} battery rated for?",
                    "Planning to keep mine for five years. Is there an official figure?",
                ),
            ],
        ),
        (
            ["camera"],
            [
                (
                    "feedback",
                    "Night photos on the {p} look smeared",
                    "Indoor shots at night lose all texture: faces look painted. Daylight is great.",
                ),
                (
                    "suggestion",
                    "Add a manual focus slider to the camera app",
                    "For close-ups of circuit boards the autofocus hunts. A **manual focus** slider "
                    "would fix it.",
                ),
            ],
        ),
        (
            ["display"],
            [
                (
                    "suggestion",
                    "Offer a true always-on display with dimmer clock",
                    "The current always-on screen is too bright at night. A dimmer clock, please.",
                ),
                (
                    "feedback",
                    "Green tint at minimum brightness on the {p}",
                    "At the lowest brightness there is a visible green tint on grey backgrounds.",
                ),
            ],
        ),
        (
            ["software", "updates"],
            [
                (
                    "suggestion",
                    "Publish release notes before each {p} update",
                    "We would like to know what changes before we install: a changelog page would do.",
                ),
                (
                    "question",
                    "Will the {p} get the next major OS version?",
                    "Is there a published update policy for this model?",
                ),
            ],
        ),
        (
            ["repair"],
            [
                (
                    "feedback",
                    "Replacing the {p} battery took me 15 minutes",
                    "Followed the service manual: two screws and a pull tab. Thank you for keeping "
                    "it repairable!",
                ),
                (
                    "suggestion",
                    "Sell a repair kit with the right screwdriver bits",
                    "A small kit with the pentalobe bit and a spudger next to the spare parts.",
                ),
            ],
        ),
        (
            ["audio"],
            [
                (
                    "feedback",
                    "Speaker crackles at full volume",
                    "Playing podcasts at 100% there is a crackle in the bottom speaker.",
                ),
                ("question", "Does the {p} support LE Audio?", "Looking at new earbuds."),
            ],
        ),
    ],
    "networking": [
        (
            ["wifi", "range"],
            [
                (
                    "feedback",
                    "5 GHz range drops through two walls with the {p}",
                    "Two rooms away the 5 GHz band falls to 80 Mbit/s; 2.4 GHz is fine.",
                ),
                (
                    "suggestion",
                    "Show a signal heat map in the app",
                    "Walking around with the app showing signal strength would help place nodes.",
                ),
                (
                    "question",
                    "Best channel width for a crowded apartment building?",
                    "Forty neighbours' networks around. 80 MHz or 40 MHz on the {p}?",
                ),
            ],
        ),
        (
            ["firmware"],
            [
                (
                    "suggestion",
                    "Automatic firmware updates at night, with a changelog",
                    "Let the {p} update at 4 am, and e-mail what changed.",
                ),
                (
                    "feedback",
                    "Web interface is slow after the last firmware",
                    "Pages take 5–6 seconds to load since the update.",
                ),
            ],
        ),
        (
            ["security", "vpn"],
            [
                (
                    "suggestion",
                    "Built-in WireGuard server on the {p}",
                    "A WireGuard server with QR-code setup would replace my Raspberry Pi.",
                ),
                ("question", "Does the {p} support WPA3-only mode?", "Old devices are gone."),
            ],
        ),
        (
            ["parental-controls"],
            [
                (
                    "suggestion",
                    "Schedules per device for the kids' tablets",
                    "Per-device internet schedules instead of per network.",
                ),
                (
                    "feedback",
                    "Guest network forgets its password after reboot",
                    "After every restart the guest network gets a new password.",
                ),
            ],
        ),
        (
            ["mesh"],
            [
                (
                    "question",
                    "Can I mix the {p} with older Beacon nodes?",
                    "I have a node from 2021.",
                ),
                (
                    "feedback",
                    "Mesh roaming drops video calls",
                    "Walking between floors my calls freeze for a few seconds.",
                ),
            ],
        ),
    ],
    "smart-speakers": [
        (
            ["sound"],
            [
                (
                    "feedback",
                    "Bass is boomy in small rooms on the {p}",
                    "In my 12 m² bedroom the bass overwhelms voices.",
                ),
                (
                    "suggestion",
                    "Add a room-calibration equaliser",
                    "Use the microphone to measure the room and adjust, like studio monitors.",
                ),
                ("question", "Can two {p} speakers play as a stereo pair?", "Bought a second one."),
            ],
        ),
        (
            ["privacy"],
            [
                (
                    "suggestion",
                    "A physical microphone switch, not a button",
                    "A hardware slider that visibly cuts the microphone would reassure guests.",
                ),
                ("question", "Is voice processed on the {p} or in the cloud?", "For my parents."),
            ],
        ),
        (
            ["smart-home"],
            [
                (
                    "suggestion",
                    "Matter support for the {p}",
                    "So it works with every hub, not only ours.",
                ),
                (
                    "feedback",
                    "Routines fire twice sometimes",
                    "My 'good night' routine turns the lights off and on again.",
                ),
            ],
        ),
        (
            ["design"],
            [
                (
                    "suggestion",
                    "More fabric colours for the {p}",
                    "A terracotta or deep blue cover would fit more living rooms.",
                ),
                ("feedback", "The {p} wobbles on its base", "A slightly wider base would help."),
            ],
        ),
    ],
    "pc-components": [
        (
            ["thermals", "noise"],
            [
                (
                    "feedback",
                    "Fans ramp up and down constantly on the {p}",
                    "Idle at the desktop the fans go from 600 to 1400 rpm every few seconds.",
                ),
                (
                    "suggestion",
                    "Ship a quieter default fan curve",
                    "Most of us would trade 3 °C for half the noise.",
                ),
                ("question", "Max CPU cooler height in the {p}?", "Looking at tower coolers."),
            ],
        ),
        (
            ["cable-management"],
            [
                (
                    "suggestion",
                    "More tie-down points behind the motherboard tray",
                    "Two more rows of tie-down points would make builds much tidier.",
                ),
                (
                    "feedback",
                    "Front USB-C cable is too short for some boards",
                    "On boards with the header at the bottom it does not reach.",
                ),
            ],
        ),
        (
            ["gpu"],
            [
                ("question", "Longest graphics card that fits the {p}?", "With front fans fitted."),
                (
                    "feedback",
                    "GPU sag with heavy cards",
                    "A support bracket in the box would help.",
                ),
            ],
        ),
        (
            ["power"],
            [
                (
                    "suggestion",
                    "Sleeved cable set for the {p}",
                    "Matching sleeved cables sold as an accessory, in black and white.",
                ),
                ("question", "Is 750 W enough for the 16 GB graphics card?", "With a 105 W CPU."),
            ],
        ),
    ],
}

# Topics every community discusses, whatever the product.
GENERIC_TOPICS = [
    (
        ["documentation"],
        [
            (
                "suggestion",
                "Publish the full service manual for the {p}",
                "Exploded views and torque values would help owners and independent repairers.",
            ),
            (
                "question",
                "Where can I find the {p} manual in Chinese?",
                "My parents prefer Simplified Chinese; the PDF seems English-only.",
            ),
        ],
    ),
    (
        ["packaging", "sustainability"],
        [
            (
                "feedback",
                "The {p} box is mostly plastic-free now, thank you",
                "Paper inserts only. Keep going!",
            ),
            (
                "suggestion",
                "Take back old units when we buy a {p}",
                "A trade-in or recycling programme would make upgrading easier on the conscience.",
            ),
        ],
    ),
    (
        ["app"],
        [
            (
                "feedback",
                "The companion app forgets my {p} after a phone change",
                "Had to reset and pair again after moving to a new phone.",
            ),
            ("suggestion", "Dark mode for the companion app", "The app is blinding at night."),
            ("question", "Can I use the {p} without creating an account?", "Privacy reasons."),
        ],
    ),
    (
        ["accessibility"],
        [
            (
                "suggestion",
                "Larger text option in the {p} settings",
                "My father has trouble reading the small labels.",
            ),
            (
                "feedback",
                "Screen reader skips some buttons in the setup",
                "With TalkBack on, two setup buttons are not announced.",
            ),
        ],
    ),
    (
        ["warranty"],
        [
            (
                "question",
                "Is the {p} warranty valid if I bought it abroad?",
                "Bought in Germany, living in Spain now.",
            ),
            (
                "feedback",
                "Fast warranty repair of my {p}",
                "Sent it on Monday, back on Friday with a new board. Impressed.",
            ),
        ],
    ),
    (
        ["pricing"],
        [
            ("suggestion", "Student discount on the {p}", "Many of us are students on a budget."),
        ],
    ),
    (
        ["shipping"],
        [
            ("question", "Do you ship the {p} to Norway?", "The shop only lists EU countries."),
            ("feedback", "My {p} arrived in two days, well packed", "Tracking worked throughout."),
        ],
    ),
    (
        ["localisation"],
        [
            (
                "suggestion",
                "Translate the {p} setup screens into Polish",
                "Setup is in English only here; the rest of the system is translated.",
            ),
        ],
    ),
]

# Per product line: modifications (title, body, tags, [(sku, quantity)]). A SKU that does not
# fit the product is listed anyway: the post page warns about it, as it should.
MODIFICATIONS = {
    "smartphones": [
        (
            "Two-day battery swap kit for the {p}",
            "I carry a spare battery and a clear case that still opens easily. Swap takes a "
            "minute with the modular back.",
            ["battery", "repair"],
            [("AUR3-BAT", 2), ("AUR3-BACK-MOD", 1), ("AUR3-CASE-CLR", 1)],
        ),
        (
            "Desk charging setup with a 45 W charger and a protected screen",
            "My office setup: fast charger, screen protector, clear case.",
            ["charging"],
            [("AUR-CHG-45", 1), ("AUR3-GLASS", 1), ("AUR3-CASE-CLR", 1)],
        ),
        (
            "Screen replacement for a cracked {p}",
            "Replaced my cracked display myself; the parts below are all you need.",
            ["repair"],
            [("AUR3-SCR", 1), ("AUR3-GLASS", 1)],
        ),
    ],
    "networking": [
        (
            "Whole-house mesh with a wall-mounted {p}",
            "Router on the hallway wall, one node upstairs: full speed in every room.",
            ["mesh", "wifi"],
            [("BCN-NODE-6E", 1), ("BCN-WALL", 2)],
        ),
        (
            "Spare power adapter for a UPS-backed {p}",
            "A second adapter lives next to the UPS so the network survives outages.",
            ["power"],
            [("BCN-PSU-12V", 1), ("BCN-WALL", 1)],
        ),
    ],
    "smart-speakers": [
        (
            "Portable {p} for the garden",
            "The battery base turns the speaker into a garden speaker for an afternoon.",
            ["portable"],
            [("SON-BATT-BASE", 1)],
        ),
        (
            "Wall-mounted stereo pair",
            "Two speakers on wall brackets, one sage cover to match the sofa.",
            ["sound"],
            [("SON-STAND", 2), ("SON2-FABRIC-SAGE", 1)],
        ),
    ],
    "pc-components": [
        (
            "Quiet 4K workstation in the {p}",
            "Tower cooler, three 140 mm fans at 700 rpm and the 16 GB card: under 30 dB at load.",
            ["noise", "gpu"],
            [
                ("FRG-COOL-TWR", 1),
                ("FRG-FAN-140-3", 1),
                ("FRG-GPU-16G", 1),
                ("FRG-PSU-750G", 1),
                ("FRG-RAM-32-D5", 2),
            ],
        ),
        (
            "Compact gaming build, everything from the catalog",
            "Compact card, low-profile cooler and the SFX supply.",
            ["gpu", "small-form-factor"],
            [("FRG-GPU-12G-C", 1), ("FRG-COOL-LP", 1), ("FRG-SFX-650", 1), ("FRG-RAM-32-D5", 1)],
        ),
        (
            "Liquid-cooled render box with 64 GB",
            "360 mm AIO in the roof, 1000 W Platinum supply, 64 GB of memory.",
            ["thermals"],
            [("FRG-AIO-360", 1), ("FRG-PSU-1000P", 1), ("FRG-RAM-64-D5", 1), ("FRG-S2-GLASS", 1)],
        ),
    ],
}

COMMENTS = [
    "Same here, exactly the same behaviour.",
    "+1, this would make a real difference for me.",
    "I worked around it by restarting once a week, but a fix would be better.",
    "Thanks for the detailed write-up!",
    "Which firmware version are you on?",
    "Tried this build last weekend: works perfectly.",
    "Would love to see this in the next generation.",
    "Not sure I agree: I prefer it the way it is now.",
]
OFFICIAL_COMMENTS = [
    "Thanks for the report. We reproduced it and the team is looking into it.",
    "Good idea: we have shared it with the product designers.",
    "For now you can change this in *Settings → Advanced*; we are evaluating a better default.",
]


def seed(out) -> None:
    rng = random.Random(20261125)
    members = _members()
    team = list(User.objects.filter(username__in=TEAM))
    products = list(Product.objects.select_related("line").order_by("line__position", "id"))
    parts = {part.sku: part for part in Part.objects.prefetch_related("compatible_products")}
    for part in parts.values():
        part.fits = {product.pk for product in part.compatible_products.all()}
    if not products:
        out.write("  community: no products yet, nothing to seed")
        return
    _registrations(rng, members, products)
    created = 0
    for product in products:
        if Post.objects.filter(product=product).exists():
            continue
        created += _seed_product(rng, product, members, team, parts)
    created += _chinese_posts(rng, members)
    _moderation_examples(rng, members)
    total = Post.objects.count()
    out.write(f"  community: {created} new posts ({total} in all), with votes and comments")


# Posts in Chinese by members who write in it: product slug, author, kind, title, body, tags.
CHINESE_POSTS = [
    (
        "aurora-3",
        "li",
        Post.Kind.SUGGESTION,
        "希望在设置里显示电池健康度",
        "用了一年多，电池续航明显变短。希望在 *设置 → 电池* 里能看到电池健康度和充电循环次数，"
        "这样就知道什么时候该换电池了。",
        ["battery"],
    ),
    (
        "aurora-3",
        "mei.chen",
        Post.Kind.FEEDBACK,
        "快充很快，但是机身发热",
        "用原装 45 W 充电器，二十分钟就能充到一半，但手机背面会很烫。夏天在车里充电更明显。",
        ["battery"],
    ),
    (
        "aurora-3",
        "li",
        Post.Kind.QUESTION,
        "如何关闭自动亮度？",
        "在室外看屏幕很刺眼，每次都要手动调节亮度。请问自动亮度的开关在哪里？",
        [],
    ),
]


def _chinese_posts(rng, members) -> int:
    authors = {user.username: user for user in User.objects.filter(username__in=["li"])}
    authors.update({user.username: user for user in members})
    created = 0
    for product_slug, username, kind, title, body, tags in CHINESE_POSTS:
        product = Product.objects.filter(slug=product_slug).first()
        author = authors.get(username)
        if product is None or author is None or Post.objects.filter(title=title).exists():
            continue
        post = Post.objects.create(
            product=product,
            author=author,
            kind=kind,
            title=title,
            body=body,
            body_html=render_markdown(body),
            language="zh-hans",
        )
        post.tags.set(_tags(tags))
        Follow.objects.get_or_create(user=author, post=post)
        when = timezone.now() - timedelta(days=rng.randint(2, 30), minutes=rng.randint(0, 1440))
        Post.objects.filter(pk=post.pk).update(created_at=when, last_activity_at=when)
        created += 1
    return created


def _members() -> list[User]:
    users = []
    for username, name, time_zone in MEMBERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.com",
                "display_name": name,
                "time_zone": time_zone,
                # Seasoned members: past the new-account rate limits.
                "date_joined": timezone.now() - timedelta(days=400),
            },
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        role_grant(user=user, role=Role.CUSTOMER)
        users.append(user)
    users += list(User.objects.filter(username__in=DEMO_CUSTOMERS))
    return users


def _registrations(rng, members, products) -> None:
    """About half the members own one or two products: they carry the verified-owner badge."""
    owned = [p for p in products if p.status in Product.REGISTRABLE_STATUSES]
    if not owned:
        return
    today = timezone.localdate()
    for index, member in enumerate(members[: len(MEMBERS)]):
        if index % 2:
            continue
        for product in rng.sample(owned, k=min(2, len(owned))):
            purchased = today - timedelta(days=rng.randint(30, 700))
            Registration.objects.get_or_create(
                product=product,
                serial_number=f"DEMO-{product.pk:03d}-{member.pk:05d}",
                defaults={
                    "customer": member,
                    "purchased_on": purchased,
                    "warranty_ends_on": Registration.warranty_end_for(product, purchased),
                },
            )


def _tags(names) -> list[Tag]:
    for name in names:
        Tag.objects.get_or_create(slug=name, defaults={"name": name.replace("-", " ")})
    return list(Tag.objects.filter(slug__in=names))


def _seed_product(rng, product, members, team, parts) -> int:
    now = timezone.now()
    drafts = []
    # Nobody owns a product still being designed: its community asks and suggests.
    released = product.status in Product.REGISTRABLE_STATUSES
    for tags, phrasings in [*TOPICS.get(product.line.slug, []), *GENERIC_TOPICS]:
        for kind, title, body in phrasings:
            if released or kind in (Post.Kind.SUGGESTION, Post.Kind.QUESTION):
                drafts.append((kind, title, body, tags, []))
    for title, body, tags, build in MODIFICATIONS.get(product.line.slug, []) if released else []:
        lines = [(parts[sku], qty) for sku, qty in build if sku in parts]
        # A build is shared where most of its parts fit; the odd one out shows the warning.
        fitting = sum(1 for part, _qty in lines if product.pk in part.fits)
        if lines and fitting * 2 > len(lines):
            drafts.append((Post.Kind.MODIFICATION, title, body, tags, lines))

    posts = []
    for kind, title, body, tags, lines in drafts:
        title = title.format(p=product.name)
        body = body.format(p=product.name)
        author = rng.choice(members)
        created_at = now - timedelta(days=rng.randint(1, 240), minutes=rng.randint(0, 1440))
        post = Post.objects.create(
            product=product,
            author=author,
            kind=kind,
            title=title,
            body=body,
            body_html=render_markdown(body),
        )
        post.tags.set(_tags(tags))
        PostPart.objects.bulk_create(
            [PostPart(post=post, part=part, quantity=qty) for part, qty in lines]
        )
        posts.append((post, created_at))

    votes, follows, events, comments = [], [], [], []
    for post, _created_at in posts:
        follows.append(Follow(user=post.author, post=post))
        # A few posts gather most of the support, as in any community.
        audience = [m for m in members if m.pk != post.author_id]
        count = min(len(audience), int(rng.paretovariate(1.2)) + rng.randint(0, 3))
        for voter in rng.sample(audience, k=count):
            votes.append(Vote(user=voter, post=post))
            follows.append(Follow(user=voter, post=post))
            events.append(
                ReputationEvent(
                    user_id=post.author_id,
                    kind=ReputationEvent.Kind.VOTE_RECEIVED,
                    points=REPUTATION_POINTS[ReputationEvent.Kind.VOTE_RECEIVED],
                    post=post,
                    actor=voter,
                )
            )
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            comments.append(
                _comment(post, rng.choice(audience), rng.choice(COMMENTS), official=False)
            )
        if team and rng.random() < 0.2:
            comments.append(
                _comment(post, rng.choice(team), rng.choice(OFFICIAL_COMMENTS), official=True)
            )

    Vote.objects.bulk_create(votes, ignore_conflicts=True)
    Follow.objects.bulk_create(follows, ignore_conflicts=True)
    ReputationEvent.objects.bulk_create(events)
    Comment.objects.bulk_create(comments)
    _spread_in_time(posts)
    _recount(product)
    return len(posts)


def _comment(post, author, body, *, official) -> Comment:
    return Comment(
        post=post, author=author, body=body, body_html=render_markdown(body), is_official=official
    )


def _spread_in_time(posts) -> None:
    """Demo posts were written over months, not in the second the seed ran."""
    for post, created_at in posts:
        post.created_at = post.last_activity_at = created_at
    Post.objects.bulk_update(
        [post for post, _created_at in posts], ["created_at", "last_activity_at"]
    )
    for post, created_at in posts:
        post.votes.update(created_at=created_at + timedelta(hours=6))
        post.comments.update(created_at=created_at + timedelta(hours=12))
        post.reputation_events.update(created_at=created_at + timedelta(hours=6))


def _recount(product) -> None:
    """Counters equal the rows they count."""
    rows = Post.objects.filter(product=product).annotate(
        votes_n=Count("votes", distinct=True), comments_n=Count("comments", distinct=True)
    )
    updates = []
    for post in rows:
        post.vote_count, post.comment_count = post.votes_n, post.comments_n
        updates.append(post)
    Post.objects.bulk_update(updates, ["vote_count", "comment_count"])


def _moderation_examples(rng, members) -> None:
    """Something for the moderators' queue: an advert hidden by flags, and a disputed post."""
    if Flag.objects.exists():
        return
    product = Product.objects.filter(slug="aurora-3").first()
    if product is None:
        return
    spammer, _created = User.objects.get_or_create(
        username="deal.hunter", defaults={"email": "deal.hunter@example.com"}
    )
    role_grant(user=spammer, role=Role.CUSTOMER)
    body = "Original-quality chargers at half price, ship worldwide. Message me for the link!"
    advert = Post.objects.create(
        product=product,
        author=spammer,
        kind=Post.Kind.FEEDBACK,
        title="Cheap 45 W chargers, half price, DM me",
        body=body,
        body_html=render_markdown(body),
    )
    for reporter in rng.sample(members[: len(MEMBERS)], k=settings.COMMUNITY_FLAG_THRESHOLD):
        flag_create(reporter=reporter, post=advert, reason=Flag.Reason.SPAM)
    disputed = (
        Post.objects.filter(product=product, kind=Post.Kind.SUGGESTION, is_hidden=False)
        .order_by("-vote_count", "id")
        .first()
    )
    if disputed is not None:
        reporter = next(m for m in members if m.pk != disputed.author_id)
        flag_create(
            reporter=reporter,
            post=disputed,
            reason=Flag.Reason.DUPLICATE,
            message="The same idea was posted in the Aurora 2 community last year.",
        )
