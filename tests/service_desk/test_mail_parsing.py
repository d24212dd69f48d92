"""parse_mail on the corpus of real-shaped messages (tests/service_desk/mail_corpus/) and on
broken input: any bytes give a ParsedMail or a MailParseError, never another exception."""

import base64
import email.message
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service_desk.mail.html_text import html_to_text
from service_desk.mail.parsing import MailParseError, normalise_message_id, parse_mail

CORPUS = Path(__file__).parent / "mail_corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.eml"))


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def mail(*headers: str, body: str = "Hello", content_type: str = "text/plain; charset=utf-8"):
    """A small message: its headers (From first unless given), then the body."""
    if not any(header.lower().startswith("from:") for header in headers):
        headers = ("From: Customer <customer@example.com>", *headers)
    lines = [*headers, f"Content-Type: {content_type}", "", body]
    return "\r\n".join(lines).encode("utf-8", "surrogateescape")


# Clients and their shapes


def test_outlook_plain_and_html_prefers_the_plain_text():
    parsed = parse_mail(corpus("outlook_reply.eml"))

    assert parsed.sender == "jonas.weber@example.de"
    assert parsed.sender_name == "Jonas Weber"
    assert parsed.subject == "RE: Espresso machine E-200 pump noise [#1042]"
    assert parsed.text.startswith("Hello,\n\nthank you for the quick answer.")
    assert "From: CoCreate Support <support@cocreate.example>\nSent: Monday" in parsed.text
    assert "\r" not in parsed.text
    assert parsed.in_reply_to == ("<1042.a8f3c2@cocreate.example>",)
    assert parsed.references == ("<1042.a8f3c2@cocreate.example>",)
    # the id's left side is kept as written, its domain lowercased
    assert parsed.message_id == (
        "<DB9PR10MB51009F1E3C8A2B7D4E6F0A1BD8C42@db9pr10mb5100.eurprd10.prod.outlook.com>"
    )
    assert parsed.language == "en-US"
    assert parsed.date == datetime(2026, 12, 2, 9, 41, 6, tzinfo=UTC)
    # Outlook's X-Auto-Response-Suppress alone is no sign of an automatic message
    assert parsed.automatic == ""
    assert parsed.attachments == ()


def test_gmail_reply():
    parsed = parse_mail(corpus("gmail_reply.eml"))

    assert parsed.sender == "maria.rossi.1987@gmail.com"
    assert parsed.subject == "Re: Voltera City e-bike: error E07 [#1043]"
    assert "still shows error E07" in parsed.text
    assert "> please hold the power button" in parsed.text
    assert parsed.message_id == "<CAJx8N4sK2b0tYH=q7dPz9vC+Lm3e0YV1sZfW8R6uA@mail.gmail.com>"
    assert parsed.return_path == "maria.rossi.1987@gmail.com"
    assert parsed.date.utcoffset() == timedelta(hours=1)


def test_apple_mail_quoted_printable():
    parsed = parse_mail(corpus("apple_mail_reply.eml"))

    assert parsed.subject == "Re: Kaffeemaschine E-200 – Geräusch"
    assert "Thank you, Jürgen!" in parsed.text
    assert "Grüße aus München" in parsed.text
    assert "> Jürgen, CoCreate Support" in parsed.text
    assert "\ufeff" not in parsed.text  # Apple's quote starts with a byte order mark
    assert parsed.message_id == "<6F0B2E1D-9A47-4C3B-8E21-5D7F0C9A1B34@icloud.example>"


def test_foxmail_gbk_labelled_gb2312():
    """GBK-only characters (镕, 喆, 堃) in text, subject and file name labelled gb2312."""
    parsed = parse_mail(corpus("foxmail_gbk.eml"))

    assert parsed.sender == "wangkun@qq.example"
    assert parsed.sender_name == "王堃"
    assert parsed.subject == "回复： 镕铭咖啡机出水慢"
    assert "我上周买的镕铭牌咖啡机（型号 E-200）出水很慢，喆哥说可能是水泵堵了。" in parsed.text
    assert "\ufffd" not in parsed.text
    assert "------------------ 原始邮件 ------------------" in parsed.text
    [invoice] = parsed.attachments
    assert invoice.filename == "镕铭发票.pdf"
    assert invoice.content_type == "application/pdf"
    assert invoice.data.startswith(b"%PDF-1.4") and invoice.data.endswith(b"%%EOF\n")
    assert invoice.inline is False


def test_big5_read_as_big5_hkscs():
    parsed = parse_mail(corpus("big5_hk.eml"))

    assert parsed.sender_name == "陳大文"
    assert parsed.subject == "電單車電池充唔到電"
    assert "我部單車嘅電池充唔到電㗎" in parsed.text  # 嘅 and 㗎 are HKSCS characters
    assert parsed.language == "zh-hk"


def test_iso_2022_jp():
    parsed = parse_mail(corpus("iso2022jp.eml"))

    assert parsed.sender_name == "山田太郎"
    assert parsed.subject == "コーヒーメーカーのお湯が出ません"
    assert "電源を入れてもランプが点滅するだけで、お湯が出てきません。" in parsed.text
    assert parsed.language == "ja"
    assert parsed.date.utcoffset() == timedelta(hours=9)


def test_shift_jis_read_as_windows_cp932():
    parsed = parse_mail(corpus("shift_jis.eml"))

    assert parsed.sender_name == "髙橋一郎"  # 髙 is one of Windows' (IBM) characters
    assert parsed.subject == "電動アシスト自転車について"
    assert "① バッテリーの残量表示が正しくありません。" in parsed.text  # ① is NEC's
    assert "\ufffd" not in parsed.text


@pytest.mark.parametrize(
    ("name", "sender_name", "subject", "words"),
    [
        (
            "iso8859_1.eml",
            "François Lefèvre",
            "Machine à café E-200 : l'eau reste tiède",
            # ’ is windows-1252's: ISO-8859-1 is read as its superset
            "ma machine à café E-200 ne chauffe plus l’eau",
        ),
        ("iso8859_2.eml", "Łukasz Wójcik", "Rower gaśnie po 5 km", "mój rower elektryczny"),
        ("iso8859_15.eml", "Aino Mäkelä", "Kahvinkeitin vuotaa - 249 €", "hintaan 249 €"),
        (
            "windows_1251.eml",
            "Дмитрий Соколов",
            "Кофемолка не вращается",
            "Кофемашина E-200 перестала молоть зёрна",
        ),
        (
            "windows_1252.eml",
            "Klaus Bäcker",
            "Bremsen quietschen – „Voltera Trail“",
            "Die Reparatur hat 89 € gekostet. Übernehmen Sie die Kosten?",
        ),
    ],
)
def test_european_charsets(name, sender_name, subject, words):
    parsed = parse_mail(corpus(name))

    assert parsed.sender_name == sender_name
    assert parsed.subject == subject
    assert words in parsed.text


def test_html_only_mail_becomes_text():
    parsed = parse_mail(corpus("html_only.eml"))

    assert parsed.text == (
        "Hello CoCreate team,\n\n"
        "my Voltera City e-bike shows these problems since the last firmware update (v2.4):\n\n"
        "- the display turns off at 20 km/h\n"
        '- the assist level resets to "Eco"\n\n'
        "I followed your firmware guide (https://cocreate.example/kb/firmware-update) step by "
        "step. See also https://cocreate.example/kb/e07.\n\n"
        "Regards,\nTom & Ana Silva"
    )


def test_inline_image_and_rfc2231_file_name():
    parsed = parse_mail(corpus("inline_image_pdf.eml"))

    assert "the frame of my e-bike has a crack" in parsed.text
    image, invoice = parsed.attachments
    assert image.filename == "image-1.png"  # it has no name: one made up from its type
    assert image.content_type == "image/png"
    assert image.data.startswith(b"\x89PNG\r\n")
    assert image.inline is True
    assert invoice.filename == "Rechnung Müller – E-Bike Voltera.pdf"  # continued, UTF-8
    assert invoice.data.startswith(b"%PDF-1.4")
    assert invoice.inline is False


# Automatic mail


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bounce.eml", "bounce"),
        ("out_of_office.eml", "auto-submitted"),
        ("mailing_list.eml", "list"),
        ("precedence_bulk.eml", "precedence"),
    ],
)
def test_automatic_mail_from_the_corpus(name, reason):
    assert parse_mail(corpus(name)).automatic == reason


def test_bounce():
    parsed = parse_mail(corpus("bounce.eml"))

    assert parsed.sender == "mailer-daemon@mx1.mail.example.net"
    assert parsed.sender_name == "Mail Delivery System"
    assert parsed.return_path == "<>"
    assert "your message could not\nbe delivered" in parsed.text
    status, headers = parsed.attachments
    assert status.content_type == "message/delivery-status"
    assert b"Final-Recipient: rfc822; old.customer@example.net" in status.data
    assert headers.content_type == "text/rfc822-headers"
    assert b"Message-ID: <1040.resolved@cocreate.example>" in headers.data


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (["Auto-Submitted: auto-generated"], "auto-submitted"),
        (["Auto-Submitted: no"], ""),
        (["X-Autoreply: yes"], "x-autoreply"),
        (["X-Autorespond: Out of office"], "x-autoreply"),
        (["Precedence: junk"], "precedence"),
        (["Precedence: first-class"], ""),
        (["List-Unsubscribe: <mailto:leave@lists.example.org>"], "list"),
        (["Return-Path: <>"], "bounce"),
        (["Return-Path: <postmaster@example.com>"], "bounce"),
        (["From: MAILER-DAEMON <Mailer-Daemon@example.com>"], "bounce"),
        (["X-Auto-Response-Suppress: All", "Subject: Question about my order"], ""),
        (["X-Auto-Response-Suppress: OOF", "Subject: Automatic reply: Ticket"], "x-auto-response-suppress"),
        (["X-Auto-Response-Suppress: All", "Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSN77ya?="], "x-auto-response-suppress"),
        (["Subject: Automatic reply: Ticket"], ""),
    ],
)  # fmt: skip
def test_automatic_reasons(headers, reason):
    assert parse_mail(mail(*headers)).automatic == reason


def test_multipart_report_is_a_bounce():
    raw = mail(
        content_type='multipart/report; report-type=delivery-status; boundary="b"',
        body="--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--b--\r\n",
    )

    parsed = parse_mail(raw)

    assert parsed.automatic == "bounce"
    assert parsed.text == "Delivery failed."


# Headers


def test_header_injection_in_the_subject_is_collapsed():
    raw = mail("Subject: =?utf-8?Q?Hello=0D=0ABcc:_victim@example.com=0D=0A=0D=0Abody?=")

    assert parse_mail(raw).subject == "Hello Bcc: victim@example.com body"


def test_subject_without_control_characters_and_at_most_200_characters():
    raw = mail("Subject: =?utf-8?Q?a=00b=1B[31mc=E2=80=AEd?= " + "long " * 100)

    subject = parse_mail(raw).subject

    assert subject.startswith("ab[31mcd long long")
    assert len(subject) == 200


def test_raw_8bit_headers_are_read_as_utf8_else_as_the_body_charset():
    utf8 = "Subject: Kaffeemaschine tropft – Grüße".encode().decode("ascii", "surrogateescape")
    assert parse_mail(mail(utf8)).subject == "Kaffeemaschine tropft – Grüße"

    gbk = "Subject: 咖啡机漏水".encode("gbk").decode("ascii", "surrogateescape")
    raw = mail(gbk, content_type="text/plain; charset=gbk")
    assert parse_mail(raw).subject == "咖啡机漏水"


def test_encoded_word_split_inside_a_character():
    """Some clients split a multi-byte character between two encoded words."""
    data = "电动自行车".encode()
    first, second = (base64.b64encode(part).decode() for part in (data[:4], data[4:]))

    raw = mail(f"Subject: =?UTF-8?B?{first}?=\r\n =?UTF-8?B?{second}?=")

    assert parse_mail(raw).subject == "电动自行车"


def test_charset_aliases():
    for charset, text in [
        ("x-gbk", "咖啡机"),
        ("cp936", "咖啡机"),
        ("ks_c_5601-1987", "커피 머신"),
        ("utf8", "Kaffeemaschine Grüße"),
    ]:
        encoding = {"x-gbk": "gbk", "ks_c_5601-1987": "cp949", "utf8": "utf-8"}.get(
            charset, charset
        )
        raw = mail(f"Subject: =?{charset}?B?{base64.b64encode(text.encode(encoding)).decode()}?=")
        raw += text.encode(encoding)
        raw = raw.replace(b"charset=utf-8", f"charset={charset}".encode())

        parsed = parse_mail(raw)

        assert parsed.subject == text, charset
        assert parsed.text == "Hello" + text, charset


def test_utf8_mislabelled_as_latin1_is_read_as_utf8():
    raw = mail(content_type="text/plain; charset=iso-8859-1", body="Grüße, 张三")

    assert parse_mail(raw).text == "Grüße, 张三"


def test_bytes_that_fit_no_charset_are_replaced_not_lost():
    raw = mail(content_type="text/plain; charset=utf-8") + b" \xff\xfe broken"

    assert parse_mail(raw).text == "Hello \ufffd\ufffd broken"


def test_unknown_charset_is_refused():
    with pytest.raises(MailParseError) as error:
        parse_mail(corpus("unknown_charset.eml"))

    assert "unknown character set" in str(error.value.reason)
    assert "x-mac-klingon" in str(error.value.reason)


def test_unknown_charset_with_utf8_text_is_read():
    raw = mail(content_type="text/plain; charset=x-klingon", body="Grüße")

    assert parse_mail(raw).text == "Grüße"


def test_unknown_charset_in_the_unused_html_alternative_does_not_matter():
    raw = mail(
        content_type='multipart/alternative; boundary="b"',
        body=(
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain text\r\n"
            "--b\r\nContent-Type: text/html; charset=x-klingon\r\n\r\n<p>\xa4</p>\r\n--b--\r\n"
        ),
    )

    assert parse_mail(raw).text == "Plain text"


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("<AbC.123@Example.COM>", "<AbC.123@example.com>"),
        ("  <abc@example.com>  (sent by Outlook)", "<abc@example.com>"),
        ("abc@example.com", "<abc@example.com>"),
        ("< abc@example.com >", "<abc@example.com>"),
        ("<a b@example.com>", ""),
        ("<abc\x00@example.com>", ""),
        ("<>", ""),
        ("", ""),
    ],
)
def test_message_id_normalisation(value, normalised):
    assert normalise_message_id(value) == normalised


def test_references_keep_every_id_in_order():
    raw = mail(
        "References: <root@example.com> (first)\r\n <Second@Example.com>\r\n\t<root@example.com> junk <third@x.org>",
        "In-Reply-To: <third@x.org>",
    )

    parsed = parse_mail(raw)

    assert parsed.references == ("<root@example.com>", "<Second@example.com>", "<third@x.org>")
    assert parsed.in_reply_to == ("<third@x.org>",)


def test_return_path_and_dates():
    parsed = parse_mail(
        mail("Return-Path: <Bounce+X@Example.com>", "Date: Mon, 1 Dec 2026 10:00:00 -0000")
    )
    assert parsed.return_path == "bounce+x@example.com"
    assert parsed.date == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

    parsed = parse_mail(mail("Date: 1 Dec 2026 10:00 +0530"))
    assert parsed.date == datetime(
        2026, 12, 1, 10, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))
    )
    assert parse_mail(mail("Date: yesterday")).date is None
    assert parse_mail(mail()).return_path == ""


def test_language_first_tag():
    assert parse_mail(mail("Content-Language: zh-CN, en")).language == "zh-CN"
    assert parse_mail(mail("Content-Language: <script>")).language == ""
    assert parse_mail(mail()).language == ""


# Sender


@pytest.mark.parametrize(
    "header",
    [
        "From: ",
        "From: Customer",
        "From: <not-an-address>",
        "From: =?utf-8?B?Y3VzdG9tZXJAZXhhbXBsZS5jb20=?=",  # an address may not be encoded
        'From: "john doe"@example.com',
    ],
)
def test_no_usable_sender_is_refused(header):
    with pytest.raises(MailParseError) as error:
        parse_mail(mail(header))

    assert "sender" in str(error.value.reason)


@pytest.mark.parametrize("header", ["From: cus\x00tomer@example.com", "From: Bob\x1b <bob@x.com>"])
def test_control_characters_in_the_sender_are_refused(header):
    with pytest.raises(MailParseError) as error:
        parse_mail(mail(header))

    assert "control characters" in str(error.value.reason)


def test_sender_display_name_is_decoded_and_single_line():
    parsed = parse_mail(
        mail('From: "=?utf-8?Q?M=C3=BCller,_Anna?=\u202e" <Anna.Mueller@Example.CH>')
    )

    assert parsed.sender == "anna.mueller@example.ch"
    assert parsed.sender_name == "Müller, Anna"


# Attachments


def attachment(name_params: str, data: bytes = b"data", content_type="application/octet-stream"):
    return (
        f"--b\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment{name_params}\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{base64.b64encode(data).decode()}\r\n"
    )


def with_parts(*parts: str) -> bytes:
    body = "--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" + "".join(parts) + "--b--\r\n"
    return mail(content_type='multipart/mixed; boundary="b"', body=body)


@pytest.mark.parametrize(
    ("params", "filename"),
    [
        ('; filename="../../etc/passwd"', "passwd"),
        ('; filename="C:\\\\Users\\\\me\\\\photo.jpg"', "photo.jpg"),
        ("; filename*=utf-8''%E5%8F%91%E7%A5%A8.pdf", "发票.pdf"),
        ("; filename*=gb2312''%E9F.pdf", "镕.pdf"),
        ('; filename="=?utf-8?B?5Y+R56WoLnBkZg==?="', "发票.pdf"),
        ("; filename=\"fake.pdf\"; filename*=utf-8''real.pdf", "real.pdf"),
        ('; filename="bad\\x01name\u202e.pdf"', "badname.pdf"),
        ('; filename=".."', "application-1.bin"),
        ("", "application-1.bin"),
    ],
)
def test_attachment_file_names(params, filename):
    [found] = parse_mail(with_parts(attachment(params.replace("\\x01", "\x01")))).attachments

    assert found.filename == filename
    assert found.data == b"data"
    assert found.content_type == "application/octet-stream"


def test_many_attachments_keep_the_first_and_count_the_rest():
    parts = [attachment(f'; filename="photo-{n}.jpg"', bytes([n % 256])) for n in range(500)]

    parsed = parse_mail(with_parts(*parts), max_attachments=20)

    assert [a.filename for a in parsed.attachments] == [f"photo-{n}.jpg" for n in range(20)]
    assert parsed.attachments[19].data == bytes([19])
    assert parsed.attachments_left_out == 480
    assert parsed.text == "See attached."


def test_text_file_attachment_is_not_the_body():
    parsed = parse_mail(
        with_parts(attachment('; filename="log.txt"', b"E07 at 12:00", "text/plain"))
    )

    assert parsed.text == "See attached."
    assert parsed.attachments[0].filename == "log.txt"
    assert parsed.attachments[0].data == b"E07 at 12:00"


# Broken input


def test_malformed_mime_keeps_what_can_be_read():
    """No closing boundary, and the photo's base64 is cut off in the middle."""
    parsed = parse_mail(corpus("malformed_mime.eml"))

    assert (
        parsed.text
        == "The charger of my e-bike smells burnt and the LED stays off. Photos attached."
    )
    [photo] = parsed.attachments
    assert photo.filename == "charger.jpg"
    assert photo.data.startswith(b"\xff\xd8\xff\xe0\x00\x10JFIF")


def test_multipart_without_boundary():
    raw = mail(content_type="multipart/mixed", body="Where is the boundary?")

    assert parse_mail(raw).sender == "customer@example.com"


def test_a_message_the_default_policy_cannot_read_is_read_as_it_came(monkeypatch):
    """The default policy raises on some broken headers: the message is parsed again with
    compat32, whose messages are not EmailMessages."""

    def broken(self):
        raise ValueError("a header the default policy trips over")

    monkeypatch.setattr(email.message.EmailMessage, "get_content_type", broken)

    parsed = parse_mail(corpus("foxmail_gbk.eml"))

    assert parsed.subject == "回复： 镕铭咖啡机出水慢"
    assert parsed.attachments[0].filename == "镕铭发票.pdf"


def test_deeply_nested_multiparts_are_refused_not_crashing():
    raw = b"From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n"
    for depth in range(1, 3000):
        raw += b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (depth - 1, depth)

    with pytest.raises(MailParseError) as error:
        parse_mail(raw)

    assert "structure" in str(error.value.reason)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "empty"),
        (b" \r\n\r\n ", "empty"),
        (b"Hello, this is not a message at all.", "not an e-mail message"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not an e-mail message"),
        (b"Subject: no sender\r\n\r\nbody", "sender"),
    ],
)
def test_empty_or_non_mail_input_is_refused(raw, words):
    with pytest.raises(MailParseError) as error:
        parse_mail(raw)

    assert words in str(error.value.reason)


def test_html_to_text():
    html = (
        "<html><head><title>x</title><style>p {}</style></head><body><p>Hi &amp; hello</p>"
        "<div>Line<br>break</div><ol><li>one</li><li>two</li></ol>"
        '<a href="mailto:a@b.example">a@b.example</a> <a href="javascript:x()">click</a>'
        "<blockquote>old<blockquote>older</blockquote></blockquote><script>x()</script>"
        "</body></html>"
    )

    assert html_to_text(html) == (
        "Hi & hello\n\nLine\nbreak\n\n- one\n- two\n\na@b.example click\n\n> old\n>\n> > older"
    )


# Any input


def check_invariants(raw: bytes, max_attachments: int = 3) -> None:
    try:
        parsed = parse_mail(raw, max_attachments=max_attachments)
    except MailParseError as error:
        assert str(error.reason)
        return
    assert parsed.sender and parsed.sender == parsed.sender.lower()
    assert "\n" not in parsed.subject and "\r" not in parsed.subject
    assert len(parsed.subject) <= 200
    assert "\x00" not in parsed.text and "\r" not in parsed.text
    assert len(parsed.attachments) <= max_attachments
    for found in parsed.attachments:
        assert found.filename and "/" not in found.filename and "\x00" not in found.filename
    assert parsed.date is None or parsed.date.tzinfo is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_mail_parse_error(raw):
    check_invariants(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CORPUS_FILES),
    st.lists(
        st.tuples(
            st.sampled_from(["replace", "insert", "delete", "truncate"]),
            st.floats(0, 1),
            st.binary(min_size=1, max_size=12)
            | st.sampled_from(
                [
                    b"\r\n",
                    b"\n--",
                    b"=?",
                    b"?=",
                    b"=?utf-8?B?",
                    b";",
                    b'"',
                    b"\x00",
                    b"\r\n\r\n",
                    b"Content-Type: multipart/mixed; boundary=",
                    b"charset=",
                    b"*0*=",
                    b"<",
                    b">",
                ]
            ),
        ),  # fmt: skip
        min_size=1,
        max_size=8,
    ),
)
def test_mutated_corpus_never_raises_anything_but_mail_parse_error(path, mutations):
    raw = bytearray(path.read_bytes())
    for kind, where, chunk in mutations:
        at = int(where * len(raw))
        if kind == "replace":
            raw[at : at + len(chunk)] = chunk
        elif kind == "insert":
            raw[at:at] = chunk
        elif kind == "delete":
            del raw[at : at + len(chunk) * 8]
        else:
            del raw[at:]
    check_invariants(bytes(raw))


def test_an_address_with_bytes_no_charset_reads_is_refused():
    with pytest.raises(MailParseError, match="not text"):
        parse_mail(b"From: a\x80b@example.cn\r\nSubject: x\r\n\r\nhello\r\n")


def test_an_internationalised_address_is_read_as_utf8():
    parsed = parse_mail("From: 张三@例子.中国\r\nSubject: x\r\n\r\nhello\r\n".encode())

    assert parsed.sender == "张三@例子.中国"
