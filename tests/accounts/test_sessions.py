"""Where you're signed in: the list of one's sessions, and what ends the others."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreate.accounts.devices import device_label
from cocreate.accounts.middleware import LAST_SEEN_SESSION_KEY
from tests.accounts.signing_in import enrol_totp, sign_in
from tests.factories.accounts import customer

pytestmark = pytest.mark.django_db

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def browser(user_agent: str, address: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return client.get(reverse("profile")).status_code == 200


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
        (SAFARI_ON_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "curl"),
        ("", "Unknown device"),
    ],
)
def test_a_device_is_named_from_its_user_agent(user_agent, label):
    assert device_label(user_agent) == label


def test_the_page_lists_each_session_with_its_device_address_and_times():
    user = customer()
    laptop = browser(FIREFOX_ON_WINDOWS, "192.0.2.10")
    phone = browser(SAFARI_ON_IPHONE, "198.51.100.7")
    sign_in(laptop, user)
    sign_in(phone, user)

    response = laptop.get(reverse("usersessions_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "account-layout" in page  # our layout, its side list
    assert page.count('data-testid="session"') == 2
    assert "Firefox on Windows" in page and "192.0.2.10" in page
    assert "Safari on iPhone" in page and "198.51.100.7" in page
    assert page.count("this browser") == 1
    assert "Last seen" in page and "does not look up where an address is" in page


def test_the_profile_links_to_the_sessions_page(client):
    client.force_login(customer())

    assert reverse("usersessions_list") in client.get(reverse("profile")).content.decode()


def test_signing_out_everywhere_else_keeps_this_session():
    user = customer()
    laptop = browser(FIREFOX_ON_WINDOWS, "192.0.2.10")
    phone = browser(SAFARI_ON_IPHONE, "198.51.100.7")
    sign_in(laptop, user)
    sign_in(phone, user)

    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert signed_in(laptop) and not signed_in(phone)
    assert UserSession.objects.filter(user=user).count() == 1


def test_changing_the_password_signs_out_the_other_sessions():
    user = customer()
    laptop = browser(FIREFOX_ON_WINDOWS, "192.0.2.10")
    phone = browser(SAFARI_ON_IPHONE, "198.51.100.7")
    sign_in(laptop, user)
    sign_in(phone, user)

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": settings.DEMO_PASSWORD,
            "password1": "a-new-long-password-7",
            "password2": "a-new-long-password-7",
        },
    )

    assert response.status_code == 302, response.content
    assert signed_in(laptop) and not signed_in(phone)


@pytest.mark.django_db(transaction=True)  # allauth announces the new factor on commit
def test_enrolling_a_second_factor_signs_out_the_other_sessions():
    user = customer()
    laptop = browser(FIREFOX_ON_WINDOWS, "192.0.2.10")
    phone = browser(SAFARI_ON_IPHONE, "198.51.100.7")
    sign_in(laptop, user)
    sign_in(phone, user)

    enrol_totp(laptop)

    assert signed_in(laptop) and not signed_in(phone)
    assert list(UserSession.objects.filter(user=user).values_list("user_agent", flat=True)) == [
        FIREFOX_ON_WINDOWS
    ]


def test_the_last_request_is_recorded_at_most_once_a_minute():
    user = customer()
    laptop = browser(FIREFOX_ON_WINDOWS, "192.0.2.10")
    sign_in(laptop, user)
    signed_in_at = UserSession.objects.get(user=user).last_seen_at

    laptop.get(reverse("profile"))
    assert UserSession.objects.get(user=user).last_seen_at == signed_in_at

    session = laptop.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - 61  # a minute later
    session.save()
    laptop.get(reverse("profile"), REMOTE_ADDR="192.0.2.99")
    row = UserSession.objects.get(user=user)
    assert row.last_seen_at > signed_in_at and row.ip == "192.0.2.99"


@pytest.mark.parametrize("row_there", [True, False])
def test_a_sessions_activity_is_one_statement(row_there):
    """Whether its row is there (signed in here) or not (a session from elsewhere), one upsert,
    no read first."""
    user = customer()
    laptop = browser(FIREFOX_ON_WINDOWS, "192.0.2.10")
    sign_in(laptop, user)
    if not row_there:
        UserSession.objects.all().delete()
    session = laptop.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - 61
    session.save()

    with CaptureQueriesContext(connection) as queries:
        laptop.get(reverse("profile"), REMOTE_ADDR="192.0.2.99")

    touching = [q["sql"] for q in queries.captured_queries if "usersession" in q["sql"]]
    assert len(touching) == 1 and touching[0].lstrip().startswith("INSERT")
    row = UserSession.objects.get(user=user)
    assert row.ip == "192.0.2.99" and row.user_agent == FIREFOX_ON_WINDOWS
    assert row.session_key == laptop.session.session_key
