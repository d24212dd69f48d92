"""The scale-data generator and the consistency check: generated data holds exactly what the
services would have written, and the check finds any counter that drifts from its rows."""

import io
import random
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Max
from django.utils import timezone

from cocreate.core.management.commands.check_consistency import all_checks
from cocreate.core.markup import render_markdown
from community import services as community
from community.models import Comment, Follow, Post, PostPart, ReputationEvent, Tag, Vote
from designers import services as designers
from designers.scoring import rescore_posts
from products.models import Product
from service_desk import services as desk
from service_desk.models import Category, KnowledgeArticle, Ticket, TicketEvent, TicketMessage
from tests.factories.accounts import agent, customer, designer
from tests.factories.products import PartFactory, ProductFactory, RegistrationFactory
from tests.factories.service_desk import KnowledgeArticleFactory

pytestmark = pytest.mark.django_db

SMALL = {"users": 50, "posts": 200, "votes": 2000, "tickets": 100}


def generate(**sizes) -> str:
    out = io.StringIO()
    call_command("generate_scale", stdout=out, **sizes)
    return out.getvalue()


def differences() -> list[tuple]:
    return [
        (difference.model, difference.id, difference.field)
        for check in all_checks()
        for difference in check.differences()
    ]


def check_consistency(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_consistency", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def small_scale():
    generate(**SMALL)


# --- What the generator makes --------------------------------------------------------------------


def test_generates_the_requested_sizes(small_scale):
    assert Post.objects.count() == 200
    assert Vote.objects.count() == 2000
    assert Ticket.objects.count() == 100
    assert Product.objects.count() >= 10
    assert Product.objects.values("line").distinct().count() >= 4
    assert Product.objects.filter(generation__gte=3).exists()


def test_activity_is_spread_up_to_now_not_piled_on_the_last_second(small_scale):
    # Events are drawn after the post; one that would fall in the future lands before now.
    latest = Post.objects.aggregate(latest=Max("last_activity_at"))["latest"]
    at_the_end = Post.objects.filter(last_activity_at__gte=latest - timedelta(minutes=1))
    assert latest <= timezone.now()
    assert at_the_end.count() <= 5, "the generator piles activity on its last moment"


def test_generated_data_is_consistent(small_scale):
    assert differences() == []
    code, output = check_consistency()
    assert code == 0
    assert "Every denormalised value matches its rows." in output


def test_every_kind_status_and_state_is_there(small_scale):
    assert set(Post.objects.values_list("kind", flat=True)) >= {
        Post.Kind.FEEDBACK,
        Post.Kind.SUGGESTION,
        Post.Kind.QUESTION,
        Post.Kind.MODIFICATION,
    }
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    assert TicketMessage.objects.count() > Ticket.objects.count()
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.CREATED).count() == 100
    assert PostPart.objects.filter(post__kind=Post.Kind.MODIFICATION).exists()
    assert not PostPart.objects.exclude(post__kind=Post.Kind.MODIFICATION).exists()
    assert Tag.objects.filter(posts__isnull=False).distinct().count() >= 5


def test_users_share_the_demo_password(small_scale, client, settings):
    assert client.login(username="user00001", password=settings.DEMO_PASSWORD)
    assert client.login(username="user00050", password=settings.DEMO_PASSWORD)


def test_votes_are_long_tailed_and_comments_average_about_three():
    generate(users=300, posts=400, votes=6000)
    counts = sorted(Post.objects.values_list("vote_count", flat=True), reverse=True)
    assert counts[0] >= 10 * (6000 / 400)  # a few posts gather far more than the average
    assert counts[len(counts) // 2] < 6000 / 400  # most get fewer than the average
    average = Comment.objects.count() / Post.objects.count()
    assert 2 <= average <= 4


def test_dates_spread_over_two_years(small_scale):
    first = Post.objects.order_by("created_at").first().created_at
    last = Post.objects.order_by("created_at").last().created_at
    assert (last - first).days > 365


def test_stored_html_is_what_render_markdown_makes(small_scale):
    rng = random.Random(1)
    posts = list(Post.objects.all())
    for post in rng.sample(posts, 40):
        assert post.body_html == render_markdown(post.body)
    for comment in Comment.objects.order_by("?")[:40]:
        assert comment.body_html == render_markdown(comment.body)
    for ticket in Ticket.objects.order_by("?")[:20]:
        assert ticket.description_html == render_markdown(ticket.description)


def test_follows_and_ledger_are_what_the_services_write(small_scale):
    # The author and every voter follow; each vote gave the author 2 points.
    assert not Vote.objects.exclude(user__community_follows__post=F("post")).exists()
    assert ReputationEvent.objects.filter(kind=ReputationEvent.Kind.VOTE_RECEIVED).count() == 2000
    assert Follow.objects.filter(user=F("post__author")).count() == 200


def test_some_tickets_are_linked_to_posts_of_their_product():
    generate(users=200, posts=300, votes=1000, tickets=1500)
    linked = Ticket.objects.filter(linked_post__isnull=False)
    assert linked.exists()
    assert not linked.exclude(linked_post__product=F("product")).exists()
    assert differences() == []


def test_a_second_run_refuses_clearly(small_scale):
    with pytest.raises(CommandError, match="already exists"):
        generate(users=10)
    assert "nothing to do" in generate(users=10, if_empty=True)
    assert Post.objects.count() == 200


def test_only_users_by_default():
    generate(users=20)
    assert not Post.objects.exists() and not Ticket.objects.exists()


def test_negative_sizes_are_refused():
    with pytest.raises(CommandError):
        generate(users=10, posts=-1)


# --- The check finds drift -----------------------------------------------------------------------


def _corrupt(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "field, change",
    [
        ("vote_count", "vote_count + 1"),
        ("comment_count", "comment_count + 2"),
        ("flag_count", "flag_count + 1"),
        ("trending_score", "trending_score + 0.5"),
    ],
)
def test_check_finds_exactly_a_corrupted_counter(small_scale, field, change):
    post = Post.objects.filter(vote_count__gt=0).order_by("id")[3]
    _corrupt(f"UPDATE community_post SET {field} = {change} WHERE id = %s", [post.pk])

    assert differences() == [("community.Post", post.pk, field)]
    code, output = check_consistency()
    assert code == 1
    assert f"id={post.pk} {field}" in output


def test_fix_repairs_the_counter(small_scale):
    post = Post.objects.filter(vote_count__gt=0).first()
    _corrupt("UPDATE community_post SET vote_count = 0 WHERE id = %s", [post.pk])

    code, _output = check_consistency("--fix")

    assert code == 0
    post.refresh_from_db()
    assert post.vote_count == Vote.objects.filter(post=post).count()
    assert differences() == []


def test_a_ledger_without_its_vote_lines_is_reported_not_fixed(small_scale):
    post = Post.objects.filter(vote_count__gt=0).first()
    ReputationEvent.objects.filter(post=post, kind="vote_received").first().delete()

    # the author's total, kept as lines are written, no longer matches the shortened ledger
    assert differences() == [
        ("community.Post", post.pk, "author's vote reputation"),
        ("community.UserReputation", post.author_id, "points"),
    ]
    code, _output = check_consistency("--fix")
    assert code == 1
    # the total follows the ledger; the ledger itself is never rewritten
    assert differences() == [("community.Post", post.pk, "author's vote reputation")]


# --- The services write what the check expects --------------------------------------------------


def test_data_made_through_the_services_is_consistent(settings):
    settings.COMMUNITY_FLAG_THRESHOLD = 2
    product = ProductFactory(status=Product.Status.ON_SALE)
    successor = ProductFactory(line=product.line, predecessor=product, generation=2)
    part = PartFactory()
    author, other = customer(), customer()
    voters = [customer() for _ in range(4)]
    RegistrationFactory(customer=voters[0], product=product)
    staff_agent, team_designer = agent(), designer()

    idea = community.post_create(
        author=author, product=product, kind="suggestion", title="Longer battery", body="Please."
    )
    build = community.post_create(
        author=other,
        product=product,
        kind="modification",
        title="My battery build",
        body="Parts below.",
        tags=["battery"],
        parts=[(part, 2)],
    )
    copy = community.post_create(
        author=other, product=product, kind="suggestion", title="Battery please", body="Same."
    )
    for voter in voters:
        community.vote_cast(user=voter, post=idea)
        community.vote_cast(user=voter, post=copy)
    community.vote_cast(user=author, post=build)
    community.vote_withdraw(user=voters[1], post=idea)
    comment = community.comment_create(post=idea, author=voters[2], body="Yes!")
    community.comment_create(post=idea, author=staff_agent, body="Noted.")
    community.comment_hide(comment=comment, moderator=staff_agent, hidden=True)
    community.flag_create(reporter=voters[3], post=build, reason="spam")
    community.flag_create(reporter=voters[2], post=build, reason="spam")  # hides it
    community.post_restore(post=build, moderator=staff_agent)
    community.flag_create(reporter=voters[0], post=build, reason="other")
    community.post_merge(source=copy, target=idea, moderator=staff_agent)
    designers.post_status_change(
        post=idea, status="planned", message="We plan it.", author=team_designer
    )
    designers.post_status_change(
        post=idea, status="adopted", message="Done.", author=team_designer, adopted_in=successor
    )
    ticket = desk.ticket_create(
        customer=voters[0],
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Battery",
        description="Drains.",
    )
    desk.ticket_link_post(ticket=ticket, actor=staff_agent, post=idea)
    article = KnowledgeArticleFactory(status=KnowledgeArticle.Status.PUBLISHED)
    desk.article_vote(article=article, user=voters[0], helpful=True)
    desk.article_vote(article=article, user=voters[1], helpful=False)
    desk.article_vote(article=article, user=voters[1], helpful=True)

    # Nothing is scored yet: pending scores are not differences.
    assert differences() == []
    rescore_posts(list(Post.objects.values_list("pk", flat=True)))

    assert differences() == []
    idea.refresh_from_db()
    assert idea.vote_count == 4  # 3 left after the withdrawal, 1 moved from the duplicate
