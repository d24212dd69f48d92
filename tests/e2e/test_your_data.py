"""A customer downloads a copy of their data, then deletes their account."""

import contextlib
import re
import zipfile

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from cocreate.accounts.models import User
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import customer
from tests.factories.community import PostFactory
from tests.factories.products import ProductFactory, RegistrationFactory


@pytest.fixture
def private_exports(settings, tmp_path):
    settings.ACCOUNTS_DATA_EXPORT_ROOT = tmp_path / "data-exports"
    settings.STORAGES = {
        **settings.STORAGES,
        "data_exports": {
            **settings.STORAGES["data_exports"],
            "OPTIONS": {"location": settings.ACCOUNTS_DATA_EXPORT_ROOT},
        },
    }


def test_a_customer_downloads_their_data_then_deletes_the_account(
    page, celery_worker, private_exports, tmp_path
):
    product = ProductFactory(name="Aurora Router X2", slug="aurora-router-x2")
    carla = customer(username="carla", email="carla@example.com", display_name="Carla Rossi")
    RegistrationFactory(customer=carla, product=product, serial_number="AX2-7788")
    post = PostFactory(author=carla, product=product, title="Quieter fan at night")

    # Carla asks for her data on her profile; the page follows the job until it is ready.
    log_in(page, "carla", settings.DEMO_PASSWORD)
    page.goto("/accounts/profile/")
    panel = page.get_by_test_id("your-data")
    panel.get_by_role("button", name="Download my data").click()
    expect(page.get_by_text("We are gathering your data.")).to_be_visible()
    expect(page.get_by_test_id("export-ready")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("export-ready")).to_contain_text("carla@example.com")
    screenshot(page, "your-data-ready")

    # The e-mailed link downloads the ZIP.
    link = re.search(r"https?://\S+/profile/data/exports/\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    # A download is not a page: Chromium aborts the navigation.
    with page.expect_download() as download_info, contextlib.suppress(PlaywrightError):
        page.goto(path)
    saved = tmp_path / "download.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "AX2-7788" in archive.read("registrations.json").decode()
        assert "Quieter fan at night" in archive.read("community.json").decode()

    page.goto("/accounts/profile/")
    expect(page.get_by_test_id("your-data")).to_contain_text("You downloaded your data on")

    # Then she deletes her account, with her password.
    page.get_by_test_id("delete-account-link").click()
    expect(page.get_by_role("heading", name="Delete your account")).to_be_visible()
    page.get_by_label("Your password").fill(settings.DEMO_PASSWORD)
    screenshot(page, "your-data-delete-account")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account was deleted.")).to_be_visible()
    screenshot(page, "your-data-deleted")

    # Her post stays, by "a former member".
    page.goto(post.get_absolute_url())
    expect(page.get_by_role("heading", name="Quieter fan at night")).to_be_visible()
    expect(page.locator(".author-name").first).to_have_text("a former member")
    screenshot(page, "your-data-former-member-post")
    assert User.objects.get(pk=carla.pk).is_former_member
