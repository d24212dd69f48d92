"""No select of the customer- and agent-facing forms shows Django's "---------": every optional
select names its empty choice ("— choose a product —", "Any", "— none —" …)."""

import pytest

from service_desk import services
from service_desk.models import Category
from tests.factories.accounts import agent, customer, designer, partner_member
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.partners import PartnerFactory, ProjectFactory
from tests.factories.products import PartFactory, ProductFactory, RegistrationFactory
from tests.factories.service_desk import KnowledgeArticleFactory, SlaPolicyFactory

pytestmark = pytest.mark.django_db
DASHES = "---------"


@pytest.fixture
def world():
    SlaPolicyFactory()
    product = ProductFactory(slug="aurora")
    PartFactory(compatible_with=[product])
    people = {
        "customer": customer(username="cara"),
        "agent": agent(username="sam"),
        "designer": designer(username="dina"),
        "partner": partner_member(username="pat"),
    }
    RegistrationFactory(customer=people["customer"], product=product)
    RegistrationFactory(customer=people["customer"], product=ProductFactory())
    ticket = services.ticket_create(
        customer=people["customer"],
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Silent",
        description="No sound.",
    )
    post = PostFactory(product=product, author=people["customer"])
    item = ReviewItemFactory(post=post)
    partner = PartnerFactory(slug="acme", owners=[people["partner"]])
    project = ProjectFactory(partners=[partner], products=[product])
    KnowledgeArticleFactory(product=product)
    return {"people": people, "ticket": ticket, "item": item, "project": project}


PAGES = [
    ("customer", "/support/tickets/new/"),
    ("customer", "ticket"),
    ("customer", "/support/kb/"),
    ("customer", "/community/"),
    ("customer", "/community/aurora/"),
    ("customer", "/community/aurora/new/"),
    ("customer", "/roadmap/"),
    ("customer", "/products/"),
    ("customer", "/products/parts/"),
    ("customer", "/products/mine/"),
    ("customer", "/accounts/profile/"),
    ("customer", "/partners/"),
    ("customer", "/partners/apply/"),
    ("agent", "/desk/"),
    ("agent", "desk_ticket"),
    ("agent", "/desk/kb/new/"),
    ("designer", "/design/"),
    ("designer", "design_item"),
    ("designer", "/design/evaluations/new/"),
    ("partner", "/partners/mine/acme/profile/"),
    ("partner", "/partners/projects/new/"),
    ("partner", "project_edit"),
]


@pytest.mark.parametrize(("who", "page"), PAGES)
def test_no_select_shows_dashes(client, world, who, page):
    client.force_login(world["people"][who])
    url = {
        "ticket": world["ticket"].get_absolute_url(),
        "desk_ticket": f"/desk/tickets/{world['ticket'].number}/",
        "design_item": f"/design/items/{world['item'].pk}/",
        "project_edit": f"/partners/projects/{world['project'].slug}/edit/",
    }.get(page, page)

    response = client.get(url)

    assert response.status_code == 200, url
    html = response.content.decode()
    assert "<select" in html, url
    assert DASHES not in html, url
