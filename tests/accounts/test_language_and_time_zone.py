"""Which language and time zone a request is served in, and that bad values fall back quietly."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from cocreate.accounts.forms import ProfileForm, utc_offset_label
from cocreate.accounts.models import User
from cocreate.accounts.tokens import api_token_create
from cocreate.core.i18n import TIME_ZONE_COOKIE
from cocreate.notifications.models import Notification
from tests.factories.accounts import UserFactory, designer
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

HOME = "/"
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def served_language(response) -> str:
    assert response.status_code == 200
    return response["Content-Language"]


def test_the_saved_preference_beats_the_switcher_cookie_and_the_browser(client):
    user = UserFactory(language="zh-hans")
    client.force_login(user)
    client.cookies[LANGUAGE_COOKIE] = "en"

    response = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")

    assert served_language(response) == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_without_a_preference_the_switcher_cookie_beats_the_browser(client):
    client.force_login(UserFactory(language=""))
    client.cookies[LANGUAGE_COOKIE] = "zh-hans"

    assert served_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")) == "zh-hans"


def test_a_visitor_without_cookie_gets_the_browser_language(client):
    assert served_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")) == "zh-hans"
    assert served_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE="de-DE,en;q=0.5")) == "en"


def test_nothing_chosen_is_the_default_language(client):
    assert served_language(client.get(HOME)) == settings.LANGUAGE_CODE


@pytest.mark.parametrize("cookie", ["klingon", "xx-unknown", "", "x" * 300])
def test_an_unknown_language_cookie_falls_back_to_the_browser_language(client, cookie):
    client.cookies[LANGUAGE_COOKIE] = cookie

    assert served_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-Hans")) == "zh-hans"
    assert served_language(client.get(HOME)) == "en"


@pytest.mark.parametrize("header", ["xx-YY", "*", ";;;q=,", "zz;q=abc", "de;q=0.8, fr"])
def test_an_unknown_or_malformed_accept_language_is_the_default(client, header):
    assert served_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE=header)) == "en"


def test_an_unknown_language_saved_in_a_profile_falls_back(client):
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(language="tlh")  # written around the form's choices
    client.force_login(user)

    assert served_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-hans")) == "zh-hans"
    assert served_language(client.get(HOME)) == "en"


def test_the_footer_switcher_works_logged_out_and_keeps_the_url(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/support/kb/"})

    assert response.status_code == 302
    assert response["Location"] == "/support/kb/"
    assert client.cookies[LANGUAGE_COOKIE].value == "zh-hans"
    assert served_language(client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")) == "zh-hans"


@pytest.mark.parametrize("spelling", ["zh-hans", "zh-Hans", "ZH-HANS"])
def test_the_footer_switcher_also_saves_a_signed_in_users_preference(client, spelling):
    user = UserFactory(language="en")
    client.force_login(user)

    client.post(reverse("set_language"), {"language": spelling, "next": HOME})

    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert served_language(client.get(HOME)) == "zh-hans"


def test_the_footer_switcher_ignores_an_unknown_language(client):
    user = UserFactory(language="en")
    client.force_login(user)

    response = client.post(reverse("set_language"), {"language": "tlh", "next": HOME})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


# --- the API ---------------------------------------------------------------------------------


def test_an_anonymous_api_call_gets_its_errors_in_the_accept_language(client):
    response = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="zh-Hans")

    assert response.status_code == 401
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["detail"] == "身份认证信息未提供。"


def test_the_api_puts_an_explicit_accept_language_before_the_cookie_and_the_profile(client):
    client.force_login(UserFactory(language="en"))
    client.cookies[LANGUAGE_COOKIE] = "en"

    response = client.get("/api/v1/tickets/T-999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 404
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["detail"] == "未找到。"


def test_the_api_without_accept_language_uses_the_signed_in_users_preference(client):
    client.force_login(UserFactory(language="zh-hans"))

    response = client.get("/api/v1/tickets/T-999999/")

    assert response["Content-Language"] == "zh-hans"


def test_a_token_client_is_served_in_the_token_users_language_unless_it_asks_for_another(
    client,
):
    user = UserFactory(language="zh-hans", time_zone="Asia/Shanghai")
    _token, key = api_token_create(user=user, name="ERP")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}

    in_profile_language = client.get("/api/v1/tickets/T-999999/", **auth)
    asked_for_english = client.get("/api/v1/tickets/T-999999/", HTTP_ACCEPT_LANGUAGE="en", **auth)

    assert in_profile_language.status_code == 404
    assert in_profile_language["Content-Language"] == "zh-hans"
    assert in_profile_language.json()["detail"] == "未找到。"
    assert asked_for_english.json()["detail"] == "Not found."


def test_an_api_call_with_an_unknown_accept_language_is_in_english(client):
    response = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="tlh")

    assert response.json()["detail"] == "Authentication credentials were not provided."


# --- time zones ------------------------------------------------------------------------------


def served_time_zone(response) -> str:
    assert response.status_code == 200
    return response.context["TIME_ZONE"]


def test_a_signed_in_user_sees_their_profiles_time_zone(client):
    client.force_login(UserFactory(time_zone="Asia/Shanghai"))
    client.cookies[TIME_ZONE_COOKIE] = "America/New_York"

    assert served_time_zone(client.get(HOME)) == "Asia/Shanghai"


def test_a_visitor_sees_the_browsers_time_zone_from_the_cookie(client):
    client.cookies[TIME_ZONE_COOKIE] = "Europe/Berlin"

    assert served_time_zone(client.get(HOME)) == "Europe/Berlin"


@pytest.mark.parametrize(
    "cookie", ["Mars/Olympus_Mons", "../../etc/passwd", "America", "", "x" * 500]
)
def test_an_unknown_time_zone_cookie_is_the_default(client, cookie):
    client.cookies[TIME_ZONE_COOKIE] = cookie

    assert served_time_zone(client.get(HOME)) == "UTC"


def test_an_unknown_time_zone_saved_in_a_profile_is_the_default(client):
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(time_zone="Mars/Olympus_Mons")
    client.force_login(user)

    assert served_time_zone(client.get(HOME)) == "UTC"


def test_the_profile_offers_region_city_zones_without_the_machines_aliases(client):
    user = UserFactory(time_zone="US/Eastern")  # an alias saved before: still selectable
    client.force_login(user)

    html = client.get(reverse("profile")).content.decode()

    assert '<option value="Asia/Shanghai"' in html and '<option value="UTC"' in html
    assert 'value="US/Eastern" selected' in html
    assert 'value="localtime"' not in html and 'value="Factory"' not in html
    assert 'value="EST5EDT"' not in html


def test_the_apis_own_validation_messages_follow_the_accept_language(client):
    client.force_login(designer(language="en"))

    chinese = client.get("/api/v1/review-queue/?state=bogus", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get("/api/v1/review-queue/?state=bogus")

    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["errors"]["state"] == ["未知的处理状态。"]
    assert english.json()["errors"]["state"] == ["Unknown state."]


def test_a_token_client_reads_times_in_the_token_users_time_zone(client):
    user = UserFactory(time_zone="Asia/Shanghai")
    notification = NotificationFactory(recipient=user)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC)
    )
    _token, key = api_token_create(user=user, name="ERP")

    response = client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert response.json()["results"][0]["created_at"] == "2026-03-02T04:30:00+08:00"


def test_the_profile_groups_time_zones_by_region_with_readable_places_and_offsets(client):
    client.force_login(UserFactory(time_zone="America/New_York"))

    html = client.get(reverse("profile")).content.decode()

    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert groups[:3] == ["Africa", "America", "Antarctica"] and "Europe" in groups
    assert "Indian Ocean" in groups and "Pacific" in groups
    assert re.search(r'<option value="UTC">UTC \(UTC\+00:00\)</option>', html)
    america = re.search(r'<optgroup label="America">(.*?)</optgroup>', html, re.S).group(1)
    assert re.search(
        r'<option value="America/New_York" selected>New York \(UTC−0[45]:00\)</option>', america
    )
    assert "Argentina / Buenos Aires (UTC−03:00)" in america
    assert 'data-detected-label="Detected: %s"' in html
    assert "data-preselect-detected" not in html  # a zone was chosen: nothing is preselected


def test_the_offsets_are_those_of_the_moment():
    winter, summer = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)

    assert utc_offset_label("Europe/Berlin", winter) == "UTC+01:00"
    assert utc_offset_label("Europe/Berlin", summer) == "UTC+02:00"
    assert utc_offset_label("Asia/Kolkata", winter) == "UTC+05:30"
    assert utc_offset_label("America/St_Johns", winter) == "UTC−03:30"


def test_a_profile_with_the_default_zone_asks_the_browser_to_preselect_its_own(client):
    client.force_login(UserFactory(time_zone="UTC"))

    html = client.get(reverse("profile")).content.decode()

    assert "data-preselect-detected" in html


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe", "", "US/Pacific"])
def test_an_unknown_zone_is_refused_by_the_profile_form(zone):
    user = UserFactory(time_zone="UTC")
    form = ProfileForm(
        {"display_name": "Ann", "bio": "", "language": "", "time_zone": zone}, instance=user
    )

    assert not form.is_valid()
    assert "time_zone" in form.errors


def test_a_grouped_zone_is_saved_by_the_profile_form():
    user = UserFactory(time_zone="UTC")
    form = ProfileForm(
        {"display_name": "Ann", "bio": "", "language": "", "time_zone": "Asia/Shanghai"},
        instance=user,
    )

    assert form.is_valid(), form.errors
    form.save()
    user.refresh_from_db()
    assert user.time_zone == "Asia/Shanghai"
