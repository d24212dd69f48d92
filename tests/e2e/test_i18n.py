"""The site in Chinese: switched from the footer by a visitor, kept through each role's pages; a
ticket's times in each viewer's own time zone."""

import re
from datetime import UTC, datetime

from django.conf import settings
from playwright.sync_api import expect

from community.models import Post
from partners.taxonomy import Certification
from service_desk.models import Ticket
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer, designer, partner_member
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.partners import PartnerFactory
from tests.factories.products import ProductFactory
from tests.factories.service_desk import TicketFactory

FILED_AT = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # 2 March, 04:30 in Shanghai


def log_in_in_chinese(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名或电子邮件").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def log_out_in_chinese(page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="登录")).to_be_visible()


def heading(page, text: str):
    return page.get_by_role("heading", level=1, name=text)


# The interface's own words (labels, buttons, table and term headings, navigation, tabs):
# user content (titles, names, bodies) is left out, and so are the terms the glossary keeps.
INTERFACE = (
    "main label, main button, main th, main dt, main legend, main summary, header nav a, .tabs a"
)
# Certification names are proper names (ISO 9001, RoHS): only the descriptive ones are translated.
KEPT_TERMS = {"API", "SLA", "SKU", "CSV", "CoCreate"} | {
    label for _value, label in Certification.choices if isinstance(label, str)
}


def english_left_in_the_interface(page, names=()) -> list[str]:
    texts = page.locator(INTERFACE).evaluate_all(
        "els => els.filter(el => el.offsetParent).map(el => el.innerText.trim())"
    )
    allowed = KEPT_TERMS | set(names)
    return [
        text
        for text in texts
        if re.search(r"[A-Za-z]{2,}", text)
        and not re.search(r"[\u4e00-\u9fff]", text)
        and text not in allowed
    ]


def test_a_visitor_switches_to_chinese_in_the_footer_and_every_role_reads_chinese(
    page, transactional_db
):
    product = ProductFactory(name="Aurora 3", slug="aurora-3")
    PostFactory(product=product, title="电池续航太短", body="一晚上就没电了。", language="zh-hans")
    cora = customer(username="cora", language="")
    TicketFactory(customer=cora, product=product, subject="屏幕闪烁")
    agent(username="ada", language="")
    designer(username="dan", language="")
    pia = partner_member(username="pia", language="")
    partner = PartnerFactory(name="Hanbit Display", owners=[pia])
    post = Post.objects.get(title="电池续航太短")
    item = ReviewItemFactory(post=post)

    # Logged out, in English: the footer offers the languages, each named in itself.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Change").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("navigation").get_by_role("link", name="登录")).to_be_visible()
    expect(page.get_by_label("语言")).to_have_value("zh-hans")
    # The browser's time zone went into a cookie for the pages of visitors.
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["cocreate_tz"] == "Europe/Berlin"
    screenshot(page, "i18n-home-chinese")

    # Customer: communities, the feed's language filter and their tickets, in Chinese.
    log_in_in_chinese(page, "cora")
    page.goto("/community/")
    expect(heading(page, "产品社区")).to_be_visible()
    page.goto("/community/aurora-3/")
    page.get_by_label("语言").first.select_option("zh-hans")
    expect(page.get_by_role("link", name="电池续航太短")).to_be_visible()
    page.goto("/support/tickets/")
    expect(heading(page, "我的工单")).to_be_visible()
    page.get_by_role("link", name="屏幕闪烁").click()
    expect(page.get_by_text("提交时间")).to_be_visible()
    screenshot(page, "i18n-customer-ticket")
    log_out_in_chinese(page)

    # Agent, designer, partner member: the pages of their daily work read Chinese throughout.
    ticket = Ticket.objects.get(customer=cora)
    names = {"Aurora 3", "Hanbit Display", "ada", "dan", "pia", "cora"}
    for username, pages in [
        (
            "ada",
            [
                ("/desk/", "工单队列"),
                (f"/desk/tickets/{ticket.number}/", "屏幕闪烁"),
                ("/desk/metrics/", None),
            ],
        ),
        (
            "dan",
            [
                ("/design/", "评审队列"),
                (f"/design/items/{item.pk}/", "电池续航太短"),
                ("/design/dashboard/", None),
            ],
        ),
        (
            "pia",
            [
                ("/partners/", "合作伙伴名录"),
                ("/partners/mine/", None),
                (f"/partners/mine/{partner.slug}/", None),
                (f"/partners/mine/{partner.slug}/profile/", None),
            ],
        ),
    ]:
        log_in_in_chinese(page, username)
        for path, title in pages:
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
            if title:
                expect(heading(page, title)).to_be_visible()
            assert english_left_in_the_interface(page, names) == [], path
        screenshot(page, f"i18n-{username}")
        log_out_in_chinese(page)


def test_a_tickets_times_appear_in_each_viewers_time_zone(page, transactional_db):
    li = customer(username="li", language="zh-hans", time_zone="Asia/Shanghai")
    agent(username="ada", language="en", time_zone="UTC")
    ticket = TicketFactory(customer=li, subject="充电时发烫")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=FILED_AT)

    # li reads it in Chinese, in Shanghai time: already the 2nd of March.
    log_in(page, "li", settings.DEMO_PASSWORD)
    page.goto(f"/support/tickets/{ticket.number}/")
    filed = page.locator("dt", has_text="提交时间").locator("xpath=following-sibling::dd[1]")
    expect(filed).to_have_text("2026年3月2日 04:30")
    screenshot(page, "i18n-ticket-shanghai")
    page.get_by_role("button", name="退出").click()

    # The agent reads the same ticket in English, in UTC: still the evening of the 1st.
    log_in(page, "ada", settings.DEMO_PASSWORD)
    page.goto(f"/desk/tickets/{ticket.number}/")
    filed = page.locator("dt", has_text="Filed").locator("xpath=following-sibling::dd[1]")
    expect(filed).to_have_text("Mar 1, 2026, 20:30")  # one medium format for the desk too
