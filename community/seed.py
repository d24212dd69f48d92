"""Demo communities: a few hundred posts across the demo products, with votes, comments,
follows (of posts and of communities), reputation and modifications built from catalog parts
(community/seed_data/demo.toml).

Runs after products/seed.py. Products and parts are found by slug and SKU; what does not exist
is skipped. Everything goes through the services members use (post_create, vote_cast,
comment_create, flag_create), each at a past moment (`clock_at`), so counters, reputation,
follows and notifications are what those actions leave behind. Idempotent: a product whose
community already has posts is left alone, a named post is found by its title, and the
moderation examples are added once.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant, user_email_verify
from cocreate.core.clock import clock_at
from cocreate.core.seed_data import demo_data
from products.models import Part, Product, Registration
from products.services import registration_create

from .models import Flag, Post
from .services import comment_create, flag_create, post_create, product_follow_add, vote_cast

# Who writes what, who votes and comments, and when, is drawn from this seed: every fresh
# database gets the same communities.
RANDOM_SEED = 20261125
# A post's votes come in this long after it was written, its comments later still.
VOTES_AFTER = timedelta(hours=6)
COMMENTS_AFTER = timedelta(hours=12)


def seed(out) -> None:
    data = demo_data(__file__)
    rng = random.Random(RANDOM_SEED)
    members = _members(data)
    team = list(User.objects.filter(username__in=data["team"]))
    products = list(Product.objects.select_related("line").order_by("line__position", "id"))
    parts = {part.sku: part for part in Part.objects.prefetch_related("compatible_products")}
    for part in parts.values():
        part.fits = {product.pk for product in part.compatible_products.all()}
    if not products:
        out.write("  community: no products yet, nothing to seed")
        return
    # The members from the data file, without the demo customers appended to them.
    own_members = members[: len(data["members"])]
    _registrations(rng, own_members, products)
    created = 0
    for product in products:
        if Post.objects.filter(product=product).exists():
            continue
        created += _seed_product(rng, product, _drafts(product, data, parts), members, team, data)
    created += _named_posts(rng, data["posts"])
    _moderation_examples(rng, data["moderation"], own_members)
    _community_follows(data.get("community_follows", []))
    total = Post.objects.count()
    out.write(f"  community: {created} new posts ({total} in all), with votes and comments")


def _members(data) -> list[User]:
    users = []
    for row in data["members"]:
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults={
                "email": f"{row['username']}@example.com",
                "display_name": row["display_name"],
                "time_zone": row["time_zone"],
                # Seasoned members: past the new-account rate limits.
                "date_joined": timezone.now() - timedelta(days=400),
            },
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user_email_verify(user=user)
        role_grant(user=user, role=Role.CUSTOMER)
        users.append(user)
    users += list(User.objects.filter(username__in=data["demo_customers"]))
    return users


def _registrations(rng, members, products) -> None:
    """About half the members own one or two products: they carry the verified-owner badge."""
    owned = [p for p in products if p.status in Product.REGISTRABLE_STATUSES]
    if not owned:
        return
    today = timezone.localdate()
    for index, member in enumerate(members):
        if index % 2:
            continue
        for product in rng.sample(owned, k=min(2, len(owned))):
            purchased = today - timedelta(days=rng.randint(30, 700))
            serial = f"DEMO-{product.pk:03d}-{member.pk:05d}"
            if Registration.objects.filter(product=product, serial_number=serial).exists():
                continue
            if product.launch_date:  # nobody bought one before it was launched
                purchased = max(purchased, product.launch_date)
            registration_create(
                customer=member, product=product, serial_number=serial, purchased_on=purchased
            )


def _drafts(product, data, parts) -> list[dict]:
    """What `product`'s community writes: its line's topics, then those of every line, and the
    line's builds whose parts mostly fit it."""
    # Nobody owns a product still being designed: its community asks and suggests.
    released = product.status in Product.REGISTRABLE_STATUSES
    line = product.line.slug
    topics = [t for t in data["topics"] if t.get("line") == line]
    topics += [t for t in data["topics"] if "line" not in t]
    drafts = [
        {**post, "tags": topic["tags"], "parts": []}
        for topic in topics
        for post in topic["posts"]
        if released or post["kind"] in (Post.Kind.SUGGESTION, Post.Kind.QUESTION)
    ]
    for build in data["modifications"] if released else []:
        if build["line"] != line:
            continue
        lines = [
            (parts[row["sku"]], row["quantity"]) for row in build["parts"] if row["sku"] in parts
        ]
        # A build is shared where most of its parts fit; the odd one out shows the warning.
        fitting = sum(1 for part, _qty in lines if product.pk in part.fits)
        if lines and fitting * 2 > len(lines):
            drafts.append({**build, "kind": Post.Kind.MODIFICATION, "parts": lines})
    return drafts


def _seed_product(rng, product, drafts, members, team, data) -> int:
    now = timezone.now()
    posts = []
    for draft in drafts:
        author = rng.choice(members)
        written = now - timedelta(days=rng.randint(1, 240), minutes=rng.randint(0, 1440))
        with clock_at(written):
            post = post_create(
                author=author,
                product=product,
                kind=draft["kind"],
                title=draft["title"].format(p=product.name),
                body=draft["body"].format(p=product.name),
                tags=draft["tags"],
                parts=draft["parts"],
            )
        posts.append((post, written))

    for post, written in posts:
        # A few posts gather most of the support, as in any community.
        audience = [m for m in members if m.pk != post.author_id]
        count = min(len(audience), int(rng.paretovariate(1.2)) + rng.randint(0, 3))
        with clock_at(written + VOTES_AFTER):
            for voter in rng.sample(audience, k=count):
                vote_cast(user=voter, post=post)
        remarks = [
            (rng.choice(audience), rng.choice(data["comments"]["members"]))
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))
        ]
        if team and rng.random() < 0.2:
            remarks.append((rng.choice(team), rng.choice(data["comments"]["official"])))
        with clock_at(written + COMMENTS_AFTER):
            for author, body in remarks:
                comment_create(post=post, author=author, body=body)
    return len(posts)


def _named_posts(rng, rows) -> int:
    """Posts by named members (the Chinese ones), unless a post with the title exists."""
    authors = User.objects.in_bulk([row["author"] for row in rows], field_name="username")
    created = 0
    for row in rows:
        product = Product.objects.filter(slug=row["product"]).first()
        author = authors.get(row["author"])
        if product is None or author is None or Post.objects.filter(title=row["title"]).exists():
            continue
        written = timezone.now() - timedelta(days=rng.randint(2, 30), minutes=rng.randint(0, 1440))
        with clock_at(written):
            post_create(
                author=author,
                product=product,
                kind=row["kind"],
                title=row["title"],
                body=row["body"],
                tags=row["tags"],
                language=row["language"],
            )
        created += 1
    return created


def _community_follows(rows) -> None:
    """Demo accounts following products' communities; after the posts, so the old posts are no
    news to them. A follow that exists is left as it is."""
    products = {product.slug: product for product in Product.objects.all()}
    for row in rows:
        user = User.objects.filter(username=row["user"]).first()
        for slug in row["products"]:
            if user is not None and slug in products:
                product_follow_add(user=user, product=products[slug])


def _moderation_examples(rng, spec, members) -> None:
    """Something for the moderators' queue: an advert hidden by flags, and a disputed post."""
    if Flag.objects.exists():
        return
    product = Product.objects.filter(slug=spec["product"]).first()
    if product is None:
        return
    spammer, _created = User.objects.get_or_create(
        username=spec["spammer"], defaults={"email": f"{spec['spammer']}@example.com"}
    )
    user_email_verify(user=spammer)
    role_grant(user=spammer, role=Role.CUSTOMER)
    advert = post_create(
        author=spammer,
        product=product,
        kind=Post.Kind.FEEDBACK,
        title=spec["advert_title"],
        body=spec["advert_body"],
    )
    for reporter in rng.sample(members, k=settings.COMMUNITY_FLAG_THRESHOLD):
        flag_create(reporter=reporter, post=advert, reason=Flag.Reason.SPAM)
    disputed = (
        Post.objects.listed()
        .filter(product=product, kind=Post.Kind.SUGGESTION)
        .order_by("-vote_count", "id")
        .first()
    )
    if disputed is not None:
        reporter = next(m for m in members if m.pk != disputed.author_id)
        flag_create(
            reporter=reporter,
            post=disputed,
            reason=Flag.Reason.DUPLICATE,
            message=spec["duplicate_message"],
        )
