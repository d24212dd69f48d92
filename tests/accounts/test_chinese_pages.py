"""Core and account pages, and the password reset e-mail, read in Simplified Chinese.

Relies on compiled catalogues (`make test` builds them with `make messages`).
"""

import re

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from cocreate.core.views import server_error
from tests.factories.accounts import UserFactory, agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_home_sign_in_and_sign_up_pages_read_in_chinese(chinese):
    home = chinese.get(reverse("core:home")).content.decode()
    login = chinese.get(reverse("account_login")).content.decode()
    sign_up = chinese.get(reverse("account_signup")).content.decode()

    assert '<html lang="zh-hans">' in home
    assert "携手打造下一代产品。" in home and "Build the next generation" not in home
    assert "忘记密码？" in login and "Forgot your password?" not in login
    assert "创建账户" in sign_up and "Already have an account?" not in sign_up


def test_role_badges_show_translated_role_names(chinese):
    chinese.force_login(agent())

    html = chinese.get(reverse("profile")).content.decode()

    assert '<span class="badge">客服专员</span>' in html
    assert '<span class="badge">agent</span>' not in html


def test_role_badges_in_english_name_the_role_not_the_group():
    user = agent()

    with translation.override("en"):
        assert user.role_labels == ["Support agent"]


def test_the_error_page_is_translated():
    request = RequestFactory().get("/somewhere/")

    with translation.override("zh-hans"):
        html = server_error(request).content.decode()

    assert "出错了" in html and '<html lang="zh-hans">' in html


def test_password_reset_mail_is_in_the_account_holders_language(client):
    UserFactory(email="li@example.com", display_name="李雷", language="zh-hans")

    client.post(
        reverse("account_reset_password"), {"email": "li@example.com"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    message = mail.outbox[0]
    assert message.subject == "重置您的CoCreate密码"
    assert "李雷，您好：" in message.body
    assert re.search(r"http://testserver/accounts/password/reset/key/\S+/", message.body)


def test_password_reset_mail_stays_english_for_an_english_reader(chinese):
    UserFactory(email="ann@example.com", language="en")

    chinese.post(reverse("account_reset_password"), {"email": "ann@example.com"})

    assert mail.outbox[0].subject == "Reset your CoCreate password"
    assert "Someone asked to reset the password" in mail.outbox[0].body
