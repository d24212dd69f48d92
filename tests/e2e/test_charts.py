"""Every chart reads on a phone and on a wide screen: its text renders at 12 px or more and no
label runs past the chart's box (cocreate/core/charts.py; docs/conventions.md, "Charts")."""

import pytest
from django.conf import settings
from django.urls import reverse

from community.models import Post, PostPart, Vote
from service_desk.models import Category
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import UserFactory, agent, designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.partners import PartnerFactory, SupplyFactory
from tests.factories.products import PartFactory, ProductFactory
from tests.factories.service_desk import TicketFactory

WIDTHS = (390, 1366)
LONG_NAME = "Aurora 3 Professional Edition with the extended battery and dock"

# For each text of each chart on the page: its rendered font size (the computed size times
# the scale the SVG applies) and whether its box lies inside the chart's.
MEASURE = """() => Array.from(document.querySelectorAll("svg.chart")).flatMap((svg) => {
  const box = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll("text")).map((text) => {
    const rect = text.getBoundingClientRect();
    const scale = text.getScreenCTM().a;
    return {
      text: text.textContent,
      size: parseFloat(getComputedStyle(text).fontSize) * scale,
      inside: rect.left >= box.left - 0.5 && rect.right <= box.right + 0.5
        && rect.top >= box.top - 0.5 && rect.bottom <= box.bottom + 0.5,
    };
  });
})"""


def assert_charts_read(page, name: str, *, charts: int) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        texts = page.evaluate(MEASURE)
        screenshot(page, f"charts-{name}-{width}")
        assert page.locator("svg.chart").count() == charts
        assert texts, "the charts print their labels and values"
        small = [(t["text"], round(t["size"], 1)) for t in texts if t["size"] < 12]
        outside = [t["text"] for t in texts if not t["inside"]]
        assert small == [], f"text under 12 px at {width} px"
        assert outside == [], f"labels past the chart's box at {width} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def long_product():
    return ProductFactory(name=LONG_NAME)


def test_the_desks_metrics_read_at_both_widths(page, transactional_db, long_product):
    for index, category in enumerate(Category.values):
        for _ in range(index + 1):
            TicketFactory(
                category=category, product=long_product if index % 2 else ProductFactory()
            )
    agent(username="arne")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "arne", settings.DEMO_PASSWORD)
    page.goto(reverse("service_desk:desk_metrics"))

    assert_charts_read(page, "desk-metrics", charts=7)
    # A cut label keeps its full text on hover.
    assert page.locator("svg.chart title", has_text=LONG_NAME).count() == 1


def test_the_designers_charts_read_at_both_widths(page, transactional_db, long_product):
    item = ReviewItemFactory(post=PostFactory(product=long_product, title="Longer battery life"))
    for _ in range(5):
        Vote.objects.create(post=item.post, user=UserFactory())
    for _ in range(3):
        ReviewItemFactory(post=PostFactory(product=long_product))
    designer(username="dana")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "dana", settings.DEMO_PASSWORD)

    page.goto(reverse("designers:dashboard"))
    assert_charts_read(page, "designers-dashboard", charts=5)

    page.goto(reverse("designers:item", args=[item.pk]))
    assert_charts_read(page, "designers-item", charts=1)


def test_the_partners_demand_chart_reads_at_both_widths(page, transactional_db):
    member = UserFactory(username="pia")
    partner = PartnerFactory(members=[member])
    for index in range(6):
        part = PartFactory(sku=f"AUR3-UPGRADE-AND-MAINTENANCE-KIT-{index:02d}")
        SupplyFactory(partner=partner, part=part)
        for _ in range(index + 1):
            post = PostFactory(kind=Post.Kind.MODIFICATION)
            PostPart.objects.create(post=post, part=part, quantity=1)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "pia", settings.DEMO_PASSWORD)
    # Builds and votes per week, one part drawn over the total (with the legend).
    page.goto(reverse("partners:demand", args=[partner.slug]) + f"?period=30&part={part.sku}")

    assert_charts_read(page, "partner-demand", charts=2)
