"""reply_text: a reply's new text, without quoted history, signature or mobile footer, for each
client's way of quoting; on the corpus's messages (plain and HTML parts) and on short texts."""

import email
import email.policy
from pathlib import Path

import pytest

from service_desk.mail.html_text import html_to_text
from service_desk.mail.parsing import parse_mail
from service_desk.mail.quoting import reply_text

CORPUS = Path(__file__).parent / "mail_corpus"


def html_part(name: str) -> str:
    message = email.message_from_bytes((CORPUS / name).read_bytes(), policy=email.policy.default)
    return message.get_body(preferencelist=("html",)).get_payload(decode=True).decode("gb18030")


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        (
            "outlook_reply.eml",
            "Hello,\n\nthank you for the quick answer. I descaled the E-200 as you described, "
            "but the pump\nstill makes a loud rattling noise for the first ten seconds. Is that "
            "covered by the\nwarranty? The machine is 14 months old.\n\nBest regards\nJonas Weber",
        ),
        (
            "gmail_reply.eml",
            "Hi,\n\nI tried the reset you suggested (holding the power button for 10 seconds), "
            "but the\ndisplay of my Voltera City e-bike still shows error E07 after a few "
            "minutes of riding.\nThe battery is fully charged. Could it be the motor sensor?"
            "\n\nThanks,\nMaria",
        ),
        (
            "apple_mail_reply.eml",
            "The descaling worked, the E-200 is quiet again. Thank you, Jürgen!\n\n"
            "Grüße aus München\nLena",
        ),
        (
            "foxmail_gbk.eml",
            "您好：\n\n我上周买的镕铭牌咖啡机（型号 E-200）出水很慢，喆哥说可能是水泵堵了。\n"
            "附件是发票扫描件，请帮忙看看是否在保修期内。\n\n谢谢！\n王堃",
        ),
    ],
)
def test_reply_of_each_client_plain_text(name, reply):
    assert reply_text(parse_mail((CORPUS / name).read_bytes()).text) == reply


@pytest.mark.parametrize(
    ("name", "starts", "ends"),
    [
        ("outlook_reply.eml", "Hello,\n\nthank you for the quick answer.", "Best regards\nJonas Weber"),
        ("gmail_reply.eml", "Hi,\n\nI tried the reset you suggested", "Thanks,\nMaria"),
        ("foxmail_gbk.eml", "您好：\n\n我上周买的镕铭牌咖啡机", "谢谢！\n王堃"),
    ],
)  # fmt: skip
def test_reply_of_each_client_html(name, starts, ends):
    reply = reply_text(html_to_text(html_part(name)))

    assert reply.startswith(starts)
    assert reply.endswith(ends)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        # Gmail, the attribution wrapped over two lines
        (
            "Thanks, that fixed it!\n\nOn Mon, Dec 1, 2026 at 10:00 AM Jane Doe <\n"
            "jane@example.com> wrote:\n\n> Please descale the machine.\n>\n> Jane\n",
            "Thanks, that fixed it!",
        ),
        # Apple Mail on an iPhone: footer, then the attribution inside the quote
        (
            "Thanks!\n\nSent from my iPhone\n\n> On 1 Dec 2026, at 10:00, Jane <j@x.com> wrote:\n"
            "> \n> Hi\n",
            "Thanks!",
        ),
        ("Danke\n\nAm 01.12.2026 um 10:00 schrieb Jane <j@x.com>:\n> Hallo", "Danke"),
        (
            "Merci !\n\nEnvoyé de mon iPhone\n\n> Le 1 déc. 2026 à 10:00, Jane <j@x.com> a écrit :"
            "\n> \n> Bonjour",
            "Merci !",
        ),
        (
            "Gracias\n\nEl lun, 1 dic 2026 a las 10:00, Jane (<j@x.com>) escribió:\n> Hola",
            "Gracias",
        ),
        # Apple Mail, Chinese
        (
            "收到，谢谢。\n\n在 2026年12月1日，10:00，张三 <a@b.c> 写道：\n\n> 请重启机器。\n",
            "收到，谢谢。",
        ),
        # Gmail, Chinese
        ("收到。\n\n张三 <a@b.c> 于2026年12月1日周一 10:00写道：\n\n> 请重启机器。\n", "收到。"),
        # Outlook
        (
            "Works now.\n\n-----Original Message-----\nFrom: Support <s@x.com>\nSent: Monday\n"
            "To: me\nSubject: RE: x\n\nOld text",
            "Works now.",
        ),
        (
            "Works now.\n\n________________________________\nFrom: Support <s@x.com>\n"
            "Sent: Monday\nTo: me\n\nOld text",
            "Works now.",
        ),
        (
            "Works now.\r\n\r\nFrom: Support <s@x.com>\r\nSent: Monday, December 1, 2026 10:00 AM"
            "\r\nTo: me\r\n\r\nOld text",
            "Works now.",
        ),
        (
            "Works now.\nFrom: Support <s@x.com> Sent: Monday, December 1, 2026 To: me Subject: x",
            "Works now.",
        ),
        ("Funktioniert.\n\n-----Ursprüngliche Nachricht-----\nVon: Support", "Funktioniert."),
        # Outlook, Chinese
        ("好的。\n\n-----原始邮件-----\n发件人: 客服\n发送时间: 2026年12月1日 10:00\n", "好的。"),
        ("谢谢\n\n发件人： 客服 <s@x.com>\n发送时间： 2026年12月1日 10:00\n收件人： 我\n", "谢谢"),
        # QQ Mail / Foxmail
        (
            '好的\n\n------------------ 原始邮件 ------------------\n发件人: "客服"<s@x.com>;\n',
            "好的",
        ),
        ("好的\n\n------------------&nbsp;Original&nbsp;------------------\nFrom: x", "好的"),
        # Signatures and footers
        ("Thanks\n-- \nBob Smith\nAcme Ltd.", "Thanks"),
        ("Thanks\n--\nBob", "Thanks"),
        ("OK\n\nGet Outlook for Android\n", "OK"),
        ("OK\n\nGet Outlook for iOS", "OK"),
        ("好的\n\n发自我的iPhone", "好的"),
        ("好的\n\n发自我的手机", "好的"),
        ("好的\n\n从我的 iPhone 发送", "好的"),
        ("Danke\n\nVon meinem iPhone gesendet", "Danke"),
        ("了解しました。\n\niPhoneから送信", "了解しました。"),
        ("OK\n\nSent from my Samsung Galaxy smartphone.", "OK"),
        # Bottom quoting
        ("> What model is it?\n> \n\nThe X2000.\n", "The X2000."),
    ],
)
def test_reply_text(text, reply):
    assert reply_text(text) == reply


def test_inline_answers_keep_the_text_and_drop_the_quotes():
    text = (
        "Hi,\n\nOn Mon, Dec 1, 2026 at 10:00 AM Jane <j@x.com> wrote:\n"
        "> Which model do you have?\nThe E-200.\n\n> And the serial number?\nSN 12345\n\n-- \nBob"
    )

    assert reply_text(text) == "Hi,\n\nThe E-200.\n\nSN 12345"


def test_a_forwarded_message_is_kept():
    text = (
        "Please see the shop's confirmation below.\n\n---------- Forwarded message ---------\n"
        "From: Shop <s@shop.example>\nDate: Mon, Dec 1, 2026\nSubject: Order 881\n\nYour order"
    )

    assert reply_text(text) == text


def test_text_that_only_looks_like_a_footer_is_kept():
    text = "Sent from my iPhone the photo did not arrive, so here it is again."

    assert reply_text(text) == text


def test_a_message_that_is_all_quote_is_returned_whole():
    assert reply_text("\n> only a quote\n> more\n") == "> only a quote\n> more"
    assert reply_text("-- \nBob") == "-- \nBob"


def test_from_without_a_date_line_is_the_customer_s_text():
    text = "From: my experience the pump fails after a year.\nTo: be honest, I'm disappointed."

    assert reply_text(text) == text
