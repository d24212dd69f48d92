"""Every role's main pages, in Chromium at 1366 px and 390 px: axe-core finds no serious or critical
violation, and a phone never scrolls sideways. Each page is kept as a full-page screenshot in
test-results/a11y-<role>-<page>-<width>.png for a person to look at.

axe-core comes from node_modules (a development package, never served); it is evaluated in the page
by the browser driver, so the Content-Security-Policy needs no exception for it."""

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from community import services as community_services
from community.models import ReputationEvent
from partners import services as partner_services
from service_desk import services
from service_desk.models import Category
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer, designer, partner_member, staff
from tests.factories.community import CommentFactory, PostFactory, TagFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.partners import PartnerFactory, ProjectFactory
from tests.factories.products import (
    PartFactory,
    ProductFactory,
    RegistrationFactory,
    ValueAddedServiceFactory,
)
from tests.factories.service_desk import KnowledgeArticleFactory, SlaPolicyFactory

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1366, 390)
FAILING_IMPACTS = {"serious", "critical"}

PUBLIC = ["/", "/community/", "/community/aurora/", "post", "/roadmap/", "/products/", "product"]
PUBLIC += ["/products/parts/", "/products/aurora/changelog/"]
PUBLIC += ["/support/", "/support/kb/", "article", "/partners/", "partner", "author"]
PAGES = {
    "anonymous": [*PUBLIC, "/accounts/login/", "/accounts/signup/", "/partners/apply/"],
    "customer": [
        *PUBLIC,
        "/support/tickets/new/",
        "/support/tickets/",
        "ticket",
        "/products/mine/",
        "/notifications/",
        "/notifications/preferences/",
        "/accounts/profile/",
        "/community/aurora/new/",
    ],
    "agent": ["/desk/", "desk_ticket", "/desk/metrics/", "/desk/macros/", "/desk/kb/new/"],
    "designer": ["/design/", "design_item", "/design/dashboard/", "/design/evaluations/new/"],
    "partner": [
        "/partners/mine/acme/",
        "/partners/mine/acme/profile/",
        "/partners/projects/",
        "project",
        "project_invitation",
    ],
    "staff": [
        "/community/moderation/",
        "/partners/applications/",
        "/admin/",
        "/admin/products/product/",
        "admin_product",
        "admin_post",
        "admin_ticket",
        "admin_partner",
    ],
}
SHORT_RUN = {"customer"}
# What people paste: an unbroken link and a long word must wrap on a phone, not push the page wider.
LONG_TEXT = (
    "Since firmware 3.2.1 it drains overnight, see "
    "https://support.example.com/knowledge-base/aurora-3/battery/drains-overnight-after-update"
    "?firmware=3.2.1&region=eu-central and the log Akkuentladungsüberwachungsprotokolldatei."
)


@pytest.fixture
def world(transactional_db):
    """A little of everything each role's pages show: a unit, a ticket with a reply, a post with
    a comment by an author with reputation, a review item, a partner with a project, an article,
    unread notifications."""
    SlaPolicyFactory()
    product = ProductFactory(slug="aurora", name="Aurora 3")
    PartFactory(compatible_with=[product])
    ValueAddedServiceFactory(for_products=[product])
    people = {
        "customer": customer(username="cara"),
        "agent": agent(username="sam"),
        "designer": designer(username="dina"),
        "partner": partner_member(username="pat"),
        "staff": staff(username="stella"),
    }
    RegistrationFactory(customer=people["customer"], product=product)
    ticket = services.ticket_create(
        customer=people["customer"],
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Battery drains overnight",
        description=LONG_TEXT,
    )
    services.ticket_reply(ticket=ticket, author=people["agent"], body=LONG_TEXT)
    post = PostFactory(
        product=product, author=people["customer"], tags=[TagFactory()], body=LONG_TEXT
    )
    CommentFactory(post=post, author=people["designer"], body=LONG_TEXT)
    community_services.reputation_record(
        user=people["customer"], kind=ReputationEvent.Kind.IDEA_ADOPTED, post=post
    )
    item = ReviewItemFactory(post=post)
    partner = PartnerFactory(slug="acme", name="Acme Plastics", owners=[people["partner"]])
    project = ProjectFactory(partners=[partner], products=[product])
    # The project's workspace, with long pasted text in its update and milestone.
    partner_services.project_update_post(
        project=project, author=people["partner"], body=LONG_TEXT, language="en"
    )
    partner_services.milestone_add(
        project=project,
        by=people["partner"],
        title="Pilot run " + "x" * 120,
        due_at=timezone.now() + timedelta(days=3),
        description=LONG_TEXT[:2000],
    )
    # Acme's owner is invited to another organisation's project: the invitation page.
    invited = ProjectFactory(partners=[PartnerFactory()], is_public=False)
    invitation = invited.invitations.create(partner=partner, message=LONG_TEXT[:500])
    article = KnowledgeArticleFactory(product=product)
    for person in people.values():
        NotificationFactory(
            recipient=person, title="Your idea was adopted", url=post.get_absolute_url()
        )
    return {
        "people": people,
        "urls": {
            "post": post.get_absolute_url(),
            "product": f"/products/{product.slug}/",
            "article": article.get_absolute_url(),
            "partner": f"/partners/{partner.slug}/",
            "author": f"/community/people/{people['customer'].username}/",
            "ticket": ticket.get_absolute_url(),
            "desk_ticket": f"/desk/tickets/{ticket.number}/",
            "design_item": f"/design/items/{item.pk}/",
            "project": f"/partners/projects/{project.slug}/",
            "project_invitation": f"/partners/projects/{invited.slug}/invitations/{invitation.pk}/",
            "admin_product": f"/admin/products/product/{product.pk}/change/",
            "admin_post": f"/admin/community/post/{post.pk}/change/",
            "admin_ticket": f"/admin/service_desk/ticket/{ticket.pk}/change/",
            "admin_partner": f"/admin/partners/partner/{partner.pk}/change/",
        },
    }


def header_links(page) -> list[str]:
    """The header's own links (sections and role pages), so a page added to a menu is checked."""
    return page.eval_on_selector_all(
        "header.site-header a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )


def axe_violations(page) -> list[str]:
    """The serious and critical violations axe-core finds on the page: rule, impact, help, targets."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))"
    )
    return [
        f"{v['id']} ({v['impact']}: {v['help']}) at {', '.join(v['targets'][:5])}"
        for v in results
        if v["impact"] in FAILING_IMPACTS
    ]


# The elements sticking out past the right edge, outermost first, unless a box that scrolls or
# clips sideways holds them (a wide table in its scrolling wrapper is fine).
WIDE_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const clips = el => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  const held = el => {
    for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      if (clips(p)) return true;
    }
    return false;
  };
  const past = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map(c => "." + c).join("")
    + ` "${(el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40)}"`
    + ` (${Math.round(el.getBoundingClientRect().right)} px)`;
  const wide = [...document.body.querySelectorAll("*")]
    .filter(el => past(el) && !held(el) && !(el.parentElement && past(el.parentElement)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: width,
    elements: wide.slice(0, 5).map(name),
  };
}"""


def sideways_scrolling(page) -> str | None:
    found = page.evaluate(WIDE_ELEMENTS)
    if found["scrollWidth"] <= found["clientWidth"] and not found["elements"]:
        return None
    return (
        f"scrolls sideways ({found['scrollWidth']} px in {found['clientWidth']} px): "
        + "; ".join(found["elements"])
    )


def slug(url: str) -> str:
    return url.strip("/").replace("/", "-") or "home"


@pytest.mark.parametrize(
    "role",
    [pytest.param(role, marks=() if role in SHORT_RUN else pytest.mark.slow) for role in PAGES],
)
def test_every_page_of_the_role_is_accessible_and_fits_a_phone(page, world, role):
    if role != "anonymous":
        log_in(page, world["people"][role].username, settings.DEMO_PASSWORD)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto("/")
    # The screenshots are named after the page (the world's objects by their key, not their id).
    urls = {world["urls"].get(name, name): slug(name) for name in PAGES[role]}
    urls |= {url: slug(url) for url in header_links(page) if url not in urls}

    problems = defaultdict(list)  # what is wrong -> the pages and widths where it is
    for url, name in urls.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response.ok, f"{url} answered {response.status}"
            for violation in axe_violations(page):
                problems[violation].append(f"{url} ({width} px)")
            if sideways := sideways_scrolling(page):
                problems[sideways].append(f"{url} ({width} px)")
            screenshot(page, f"a11y-{role}-{name}-{width}")

    # The phone menu open, with this role's links.
    page.locator(".nav-toggle-label").click()
    for problem in [*axe_violations(page), sideways_scrolling(page)]:
        if problem:
            problems[problem].append(f"{url} (menu open, {WIDTHS[-1]} px)")
    screenshot(page, f"a11y-{role}-menu-{WIDTHS[-1]}")

    assert not problems, f"{role}'s pages:\n" + "\n".join(
        f"- {problem}\n  on {', '.join(where)}" for problem, where in problems.items()
    )


def test_the_phone_menu_toggle_says_whether_the_menu_is_open(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    toggle = page.get_by_role("checkbox", name="Menu")
    expect(toggle).to_have_attribute("aria-controls", "main-nav")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()

    page.locator(".nav-toggle-label").click()

    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert axe_violations(page) == []

    page.locator(".nav-toggle-label").click()

    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_the_sideways_check_names_what_sticks_out(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert sideways_scrolling(page) is None

    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<p id="too-wide" class="wide">Wider than a phone</p>\');'
        "document.getElementById('too-wide').style.width = '600px';"
    )

    found = sideways_scrolling(page)
    assert found.startswith("scrolls sideways (")
    assert 'p#too-wide.wide "Wider than a phone"' in found
