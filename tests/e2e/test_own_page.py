"""Signing in, each person lands where their work is, and the header leads back there."""

import re

from django.conf import settings
from playwright.sync_api import expect

from community.models import Follow, ProductFollow
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer, staff
from tests.factories.community import PostFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import file_ticket

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def no_horizontal_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def own_place_link(page):
    return page.get_by_test_id("nav-own")


def test_a_customer_lands_on_their_own_page(page, transactional_db):
    alice = customer(username="alice", display_name="Alice Martin")
    aurora = ProductFactory(name="Aurora 3")
    RegistrationFactory(customer=alice, product=aurora, serial_number="AUR3-0001")
    file_ticket(alice, aurora, subject="Battery drains overnight")
    PostFactory(author=alice, product=aurora, title="Let us cap charging at 80%")
    Follow.objects.create(
        user=alice, post=PostFactory(product=aurora, title="A dark mode for the app")
    )
    ProductFollow.objects.create(user=alice, product=aurora)
    NotificationFactory(recipient=alice, title="An agent answered your ticket")
    page.set_viewport_size(WIDE)

    log_in(page, "alice", settings.DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", name="My page")).to_be_visible()
    expect(own_place_link(page)).to_have_attribute("aria-current", "page")
    expect(own_place_link(page)).to_have_text("My page")
    expect(page.get_by_test_id("own-units")).to_contain_text("AUR3-0001")
    expect(page.get_by_test_id("own-tickets")).to_contain_text("Battery drains overnight")
    expect(page.get_by_test_id("own-posts")).to_contain_text("Let us cap charging at 80%")
    expect(page.get_by_test_id("own-follows")).to_contain_text("A dark mode for the app")
    expect(page.get_by_test_id("own-notifications")).to_contain_text("An agent answered")
    screenshot(page, "own-page-customer-1366")

    page.set_viewport_size(PHONE)
    no_horizontal_scrolling(page)
    screenshot(page, "own-page-customer-390")
    page.locator(".nav-toggle-label").click()
    expect(own_place_link(page)).to_be_visible()
    expect(own_place_link(page)).to_have_attribute("aria-current", "page")
    screenshot(page, "own-page-customer-390-menu")

    # elsewhere the header still leads there, not marked
    page.goto("/products/")
    expect(own_place_link(page)).not_to_have_attribute("aria-current", "page")
    page.locator(".nav-toggle-label").click()
    own_place_link(page).click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def test_a_new_customer_sees_how_to_start(page, transactional_db):
    customer(username="newbie")
    page.set_viewport_size(WIDE)

    log_in(page, "newbie", settings.DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("link", name="Register a unit")).to_be_visible()
    expect(page.get_by_role("link", name="File a ticket")).to_be_visible()
    expect(page.get_by_role("link", name="Post an idea")).to_be_visible()
    screenshot(page, "own-page-empty-1366")
    page.set_viewport_size(PHONE)
    no_horizontal_scrolling(page)
    screenshot(page, "own-page-empty-390")


def test_an_agent_lands_on_the_desk(page, transactional_db):
    agent(username="sam")
    page.set_viewport_size(WIDE)

    log_in(page, "sam", settings.DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(own_place_link(page)).to_have_text("Desk")
    expect(own_place_link(page)).to_have_attribute("aria-current", "page")
    expect(page.locator('a[href="/me/"]')).to_have_count(0)
    screenshot(page, "landing-agent-desk-1366")
    page.set_viewport_size(PHONE)
    no_horizontal_scrolling(page)
    page.locator(".nav-toggle-label").click()
    expect(own_place_link(page)).to_be_visible()
    screenshot(page, "landing-agent-desk-390-menu")


def test_staff_land_on_the_choice_of_places(page, transactional_db):
    staff(username="boss")
    page.set_viewport_size(WIDE)

    log_in(page, "boss", settings.DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/work/$"))
    places = page.get_by_test_id("work-places")
    for name in ["Desk", "Design", "Moderation", "Admin"]:
        expect(places.get_by_role("link", name=name)).to_be_visible()
    screenshot(page, "landing-staff-work-1366")
    page.set_viewport_size(PHONE)
    no_horizontal_scrolling(page)
    screenshot(page, "landing-staff-work-390")
    places.get_by_role("link", name="Desk").click()
    expect(page).to_have_url(re.compile(r"/desk/$"))
