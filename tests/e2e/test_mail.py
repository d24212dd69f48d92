"""The e-mail channel in the browser: a customer's e-mailed reply on the agent's ticket page."""

from django.core import mail as outbox
from playwright.sync_api import expect

from service_desk import services
from service_desk.mail.fetching import mailbox_fetch
from service_desk.models import Ticket
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent
from tests.factories.products import ProductFactory
from tests.service_desk.mails import compose, mailbox_on, reply_to, send_due_emails


def test_an_emailed_reply_shows_on_the_agents_ticket_page(
    page, transactional_db, dovecot, monkeypatch, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mailbox = mailbox_on(
        dovecot,
        monkeypatch,
        product=ProductFactory(name="Brewmaster 500", slug="brewmaster-500"),
    )
    arne = agent(username="arne")

    # The customer writes to support; the agent answers on the desk.
    dovecot.append(
        compose(subject="Grinder stops after two seconds", body="Since yesterday it stops.")
    )
    mailbox_fetch(mailbox=mailbox)
    ticket = Ticket.objects.get()
    services.ticket_reply(ticket=ticket, author=arne, body="Please clean the burr.")
    send_due_emails()

    # The customer answers the e-mail from their mail program.
    dovecot.append(
        reply_to(
            outbox.outbox[-1],
            sender="Li Wei <li.wei@example.cn>",
            body="Cleaned it and it works again, thank you!",
        )
    )
    mailbox_fetch(mailbox=mailbox)

    log_in(page, "arne", settings.DEMO_PASSWORD)
    page.goto(ticket.get_desk_url())
    reply = page.locator(".sd-message").filter(has_text="Cleaned it and it works again")
    expect(reply).to_be_visible()
    expect(reply.get_by_test_id("by-email")).to_have_text("by e-mail")
    expect(reply.get_by_role("link", name="Original e-mail (.eml)")).to_be_visible()
    expect(page.get_by_text("> Please clean the burr.")).to_have_count(0)
    screenshot(page, "service-desk-emailed-reply")
