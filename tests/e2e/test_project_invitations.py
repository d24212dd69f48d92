"""A project's manager invites a partner from the project's page; the partner's owner reads the
invitation and accepts, and the partner is then on the project."""

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_partners import log_out
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory, ProjectFactory


def test_invite_and_accept(page, transactional_db, settings):
    mia, olga = UserFactory(username="mia"), UserFactory(username="olga")
    lab = PartnerFactory(name="A Labs Singapore", owners=[mia])
    PartnerFactory(name="Hengtai Battery", owners=[olga])
    ProjectFactory(title="Solid-state cells", slug="cells", partners=[lab], is_public=False)

    log_in(page, "mia", settings.DEMO_PASSWORD)
    page.goto("/partners/projects/cells/")
    page.get_by_label("Partner", exact=True).fill("Hengtai Battery")
    page.get_by_label("Message to its owners").fill("We need your pack and BMS.")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("open-invitation")).to_contain_text("Hengtai Battery")
    screenshot(page, "partners-project-invitations-panel")
    log_out(page)

    log_in(page, "olga", settings.DEMO_PASSWORD)
    page.goto("/partners/projects/cells/")  # private: sent to the invitation
    expect(page.get_by_test_id("invited-project")).to_contain_text("Solid-state cells")
    expect(page.get_by_text("We need your pack and BMS.")).to_be_visible()
    screenshot(page, "partners-project-invitation")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Hengtai Battery is on the project now.")).to_be_visible()
    expect(page.get_by_role("link", name="Hengtai Battery")).to_be_visible()
