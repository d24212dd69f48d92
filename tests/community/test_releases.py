"""A released generation credits the ideas it ships (their authors and the authors of the
duplicates merged into them) and tells the people who supported them, once per person and
generation, in their language; a repeated release credits and notifies nobody twice."""

import pytest
from django.urls import reverse
from django.utils import translation

from cocreate.notifications.models import Notification
from cocreate.outbox.models import OutboxMessage
from community import tasks
from community.models import Credit, Follow, Post, Vote
from community.services import follow_add, post_merge, vote_cast
from products.services import product_release
from tests.factories.accounts import agent, customer, staff
from tests.factories.community import PostFactory
from tests.factories.products import generation_chain
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Nova 2 on sale, Nova 3 in development: ideas from Nova 2's community go into Nova 3."""
    older, newer = generation_chain(2)
    older.name, newer.name = "Nova 2", "Nova 3"
    older.save()
    newer.status = "in_development"
    newer.save()
    return older, newer


def idea(older, newer, *, status="adopted", **fields) -> Post:
    return PostFactory(product=older, adopted_in=newer, status=status, **fields)


def credits_of(post) -> set[tuple[str, str]]:
    return set(Credit.objects.filter(post=post).values_list("user__username", "role"))


def shipped_notices(user):
    return Notification.objects.filter(recipient=user, kind="product.shipped")


def test_a_release_credits_the_author_and_the_authors_of_merged_duplicates(chain):
    older, newer = chain
    moderator = agent()
    shipped = idea(older, newer, author=customer(username="ada"))
    # Bob's duplicate was merged into it; Cy's duplicate of Bob's post had been merged into
    # Bob's before: a merge of a merge still credits Cy.
    bob_post = PostFactory(product=older, author=customer(username="bob"))
    cy_post = PostFactory(product=older, author=customer(username="cy"))
    post_merge(source=cy_post, target=bob_post, moderator=moderator)
    post_merge(source=bob_post, target=shipped, moderator=moderator)
    # Ada's own duplicate credits her once; a hidden duplicate credits nobody.
    own = PostFactory(product=older, author=shipped.author)
    post_merge(source=own, target=shipped, moderator=moderator)
    hidden = PostFactory(product=older, author=customer(username="spam"))
    post_merge(source=hidden, target=shipped, moderator=moderator)
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)

    product_release(product=newer, by=staff())

    assert credits_of(shipped) == {("ada", "author"), ("bob", "co_author"), ("cy", "co_author")}
    cy = Credit.objects.get(post=shipped, user__username="cy")
    assert (cy.product, cy.via) == (newer, cy_post)


def test_only_shipped_ideas_are_credited(chain):
    older, newer = chain
    planned = idea(older, newer, status="planned")
    hidden = idea(older, newer, is_hidden=True)
    deleted = idea(older, newer, is_deleted=True)
    elsewhere = idea(older, older)

    product_release(product=newer, by=staff())

    assert not Credit.objects.filter(post__in=[planned, hidden, deleted, elsewhere]).exists()


def test_a_repeated_release_credits_nobody_twice_and_catches_up_on_later_adoptions(chain):
    older, newer = chain
    first = idea(older, newer)
    product_release(product=newer, by=staff())

    later = idea(older, newer)
    product_release(product=newer, by=staff())

    assert Credit.objects.filter(post=first).count() == 1
    assert Credit.objects.filter(post=later).count() == 1


def test_the_release_queues_the_notices_in_its_transaction(chain):
    older, newer = chain
    idea(older, newer)
    releaser = staff()

    product_release(product=newer, by=releaser)

    (message,) = OutboxMessage.objects.filter(task=tasks.notify_generation_shipped.name)
    assert message.args == [newer.pk, releaser.pk]


def test_a_release_without_shipped_ideas_queues_nothing(chain):
    _older, newer = chain

    product_release(product=newer, by=staff())

    assert not OutboxMessage.objects.filter(task=tasks.notify_generation_shipped.name).exists()


def test_voters_followers_and_credited_people_hear_once_per_generation(chain):
    older, newer = chain
    releaser = staff()
    author = customer(username="ada")
    fan, follower, both = customer(), customer(), customer()
    idle = customer(is_active=False)
    one = idea(older, newer, author=author, title="Magnetic back plate")
    two = idea(older, newer, title="Louder speaker")
    for post in (one, two):
        vote_cast(user=both, post=post)
    vote_cast(user=fan, post=one)
    follow_add(user=follower, post=two)
    Vote.objects.create(user=idle, post=one)
    Follow.objects.create(user=releaser, post=one)
    product_release(product=newer, by=releaser)

    # The worker runs the queued task, and a redelivery runs it again.
    assert tasks.notify_generation_shipped(newer.pk, releaser.pk) == 5
    assert tasks.notify_generation_shipped(newer.pk, releaser.pk) == 0

    # One notice each, whatever the number of their ideas that shipped, never to the releaser
    # or an inactive account.
    for user in (author, fan, follower, both, two.author):
        assert shipped_notices(user).count() == 1
    assert not shipped_notices(releaser).exists()
    assert not shipped_notices(idle).exists()
    titles = {user: shipped_notices(user).get().title for user in (author, fan, both)}
    assert titles[author] == "Your idea shipped in Nova 3: Magnetic back plate"
    assert titles[fan] == "Shipped in Nova 3: Magnetic back plate"
    assert titles[both] == "2 ideas you supported shipped in Nova 3"
    notice = shipped_notices(fan).get()
    assert notice.url == f"/products/{newer.slug}/changelog/"
    assert "2 ideas from its community" in notice.body


def test_a_repeated_release_notifies_only_the_supporters_of_ideas_adopted_since(chain):
    older, newer = chain
    early_fan, late_fan = customer(), customer()
    vote_cast(user=early_fan, post=idea(older, newer))
    product_release(product=newer, by=staff())
    tasks.notify_generation_shipped(newer.pk, None)

    later = idea(older, newer)
    vote_cast(user=late_fan, post=later)
    vote_cast(user=early_fan, post=later)
    product_release(product=newer, by=staff())
    tasks.notify_generation_shipped(newer.pk, None)

    assert shipped_notices(early_fan).count() == 1
    assert shipped_notices(late_fan).count() == 1


def test_each_person_reads_the_notice_in_their_language(chain):
    older, newer = chain
    reader = customer(language="zh-hans")
    vote_cast(user=reader, post=idea(older, newer, title="磁吸背板"))
    product_release(product=newer, by=staff())

    with translation.override("en"):
        tasks.notify_generation_shipped(newer.pk, None)

    notice = shipped_notices(reader).get()
    assert notice.title == "已随Nova 3发布：磁吸背板"
    assert "感谢" in notice.body


def test_a_generation_back_in_development_sends_nothing(chain):
    """The task may run long after the release: it checks the generation is still out."""
    older, newer = chain
    vote_cast(user=customer(), post=idea(older, newer))
    product_release(product=newer, by=staff())
    newer.status = "in_development"
    newer.save()

    assert tasks.notify_generation_shipped(newer.pk, None) == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_tells_the_supporters_once_the_release_commits(celery_worker, chain):
    older, newer = chain
    fan = customer()
    vote_cast(user=fan, post=idea(older, newer, title="Magnetic back plate"))

    product_release(product=newer, by=staff())

    notice = wait_until(
        lambda: shipped_notices(fan).first(), timeout=60, message="the worker's shipped notice"
    )
    assert notice.title == "Shipped in Nova 3: Magnetic back plate"


def test_staff_read_the_credits_in_the_admin(client, chain):
    older, newer = chain
    idea(older, newer, title="Magnetic back plate", author=customer(username="ada"))
    product_release(product=newer, by=staff())
    client.force_login(staff())

    response = client.get(reverse("admin:community_credit_changelist"), {"q": "ada"})

    assert response.status_code == 200
    assert "Magnetic back plate" in response.content.decode()


def test_an_idea_adopted_into_a_generation_already_on_sale_is_credited_at_once(chain):
    """A generation released before the decision ships the idea as it is adopted: its author
    is credited and its supporters hear now, not at some later release."""
    from designers.services import post_status_change
    from tests.factories.accounts import designer

    older, newer = chain
    product_release(product=newer, by=staff())
    late = PostFactory(product=older, kind="suggestion", author=customer(username="late"))

    post_status_change(
        post=late, status="adopted", message="In Nova 3 now.", author=designer(), adopted_in=newer
    )

    assert credits_of(late) == {("late", "author")}
    assert OutboxMessage.objects.filter(task=tasks.notify_generation_shipped.name).exists()
