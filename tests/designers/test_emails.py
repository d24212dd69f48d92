"""The designers' e-mails, sent by the real worker (`celery_worker`: a worker thread on the real
Redis broker): a newly surfaced item, once; the weekly digest, once a week."""

from cocreate.notifications.tasks import send_notification_emails
from designers import tasks
from tests.factories.designers import ProductTeamFactory, ReviewItemFactory

from .workers import popular_posts


def _after_queued_e_mails():
    """Wait until the worker has run what is queued: it runs one task at a time in queue order,
    and the job's e-mails were queued (on commit) before this one."""
    assert send_notification_emails.delay([]).get(timeout=60) == 0


def _subjects(outbox, text):
    return [message for message in outbox if text in message.subject]


def test_designers_get_one_e_mail_for_a_newly_surfaced_item(celery_worker, mailoutbox):
    # Given a popular post whose product has two designers
    (post,) = popular_posts(count=1)
    team = sorted(member.user.email for member in post.product.design_team.all())

    # When the job runs on the worker
    assert tasks.surface_popular.delay().get(timeout=60)["surfaced"] == 1
    _after_queued_e_mails()

    # Then each designer gets one e-mail naming the post and linking to the item
    surfaced = _subjects(mailoutbox, "Surfaced for review")
    assert sorted(message.to[0] for message in surfaced) == team
    assert all(post.title in message.subject for message in surfaced)
    assert all("/design/items/" in message.body for message in surfaced)

    # When the job runs again, then nobody gets it again
    assert tasks.surface_popular.delay().get(timeout=60)["notified"] == 0
    _after_queued_e_mails()
    assert len(_subjects(mailoutbox, "Surfaced for review")) == 2


def test_the_weekly_digest_e_mail_goes_out_once_a_week(celery_worker, mailoutbox):
    # Given a designer with an item waiting for a decision
    team = ProductTeamFactory()
    ReviewItemFactory(post__product=team.product, post__title="Waiting idea")

    # When the weekly job runs on the worker
    assert tasks.weekly_digest.delay().get(timeout=60) == 1
    _after_queued_e_mails()

    # Then the designer gets the digest by e-mail
    (message,) = _subjects(mailoutbox, "Weekly digest")
    assert message.to == [team.user.email]
    assert "1 item waits for a decision" in message.subject
    assert "Waiting idea" in message.body

    # When it runs again the same week, then no second e-mail
    assert tasks.weekly_digest.delay().get(timeout=60) == 0
    _after_queued_e_mails()
    assert len(_subjects(mailoutbox, "Weekly digest")) == 1
