"""A raw e-mail message as the few facts the e-mail channel needs: no database, no models.

`parse_mail(raw)` reads any message a mail server may hand over and answers a `ParsedMail`, or
raises `MailParseError` with a reason a person can read; never another exception.

How it reads what it is given:

- The standard library's parser (`email.policy.default`) splits the message into its parts.
  That policy raises on some broken headers when they are read, so a message it cannot read is
  parsed again with `compat32`, which keeps headers as they came.
- Headers are decoded here from their raw value, not by the policy: the policy reads an
  encoded word (RFC 2047) in the charset it names and replaces the bytes that do not fit, and
  replaces unencoded 8-bit bytes (raw GBK or UTF-8 in a Subject, as some clients send). Here every
  text goes through `charsets.decode_text`, which reads a declared set as its superset (GBK
  labelled "gb2312"), and 8-bit bytes as UTF-8, else as the message's own declared charset.
- Text in an unknown character set is refused (`MailParseError`) unless it is valid UTF-8;
  text that does not fit its declared set is read with U+FFFD in place of the bad bytes.
- `return_path` is "" when the message has no Return-Path, "<>" when it is the null sender
  (a bounce or an auto-reply: never answer it), else the address.
- `attachments` keeps the first `max_attachments`; `attachments_left_out` counts the rest.
- `automatic` names why the message looks machine-sent (`AUTOMATIC_REASONS`), "" for a
  person's mail. Outlook sets X-Auto-Response-Suppress on ordinary mail too, so that header
  counts only with an auto-reply's subject ("Automatic reply: …", "自动回复：…").
"""

import binascii
import email
import email.policy
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from django.utils.translation import gettext_lazy as _

from cocreate.core.text import FORBIDDEN

from .charsets import UnknownCharset, codec_candidates, decode_text
from .html_text import html_to_text

MAX_ATTACHMENTS = 50
SUBJECT_MAX_LENGTH = 200
FILENAME_MAX_LENGTH = 200
MAX_NESTING = 20  # multiparts inside multiparts; deeper parts are left out

AUTOMATIC_REASONS = (
    "bounce",  # a delivery report, or mail from the null sender, MAILER-DAEMON or postmaster
    "auto-submitted",  # Auto-Submitted other than "no" (RFC 3834)
    "x-autoreply",  # X-Autoreply / X-Autorespond
    "precedence",  # Precedence: bulk, junk, list or auto_reply
    "x-auto-response-suppress",  # Outlook's header together with an auto-reply's subject
    "list",  # List-Id or List-Unsubscribe
)


class MailParseError(Exception):
    """A message that cannot be read; `reason` says why, in words for a person (translatable)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: str
    sender_name: str
    return_path: str
    subject: str
    text: str
    attachments: tuple[MailAttachment, ...]
    attachments_left_out: int
    automatic: str
    language: str
    date: datetime | None


ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
FOLDING = re.compile(r"\r?\n(?=[ \t])")
WHITESPACE = re.compile(r"\s+")
CONTENT_TYPE_JUNK = re.compile(r"[^a-z0-9!#$&^_.+/-]")
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")  # and byte order marks
ADDRESS = re.compile(
    r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\.]+(?:\.[^\s@<>()\[\],;:\"\\.]+)+"
)
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
AUTO_REPLY_SUBJECT = re.compile(
    r"^(automatic reply|auto(matische)? ?(reply|antwort)|out of (the )?office|"
    r"réponse automatique|respuesta automática|自动回复|自動回覆|自動応答)",
    re.IGNORECASE,
)
DAEMONS = {"mailer-daemon", "postmaster"}
MIME_TYPES = mimetypes.MimeTypes()  # the standard library's table only, the same on every host


# Headers


def _raw_headers(message: Message, name: str) -> list[str]:
    """The raw values of a header, unfolded, as the parser stored them (8-bit bytes as
    surrogate escapes)."""
    name = name.lower()
    return [
        FOLDING.sub("", str(value))
        for key, value in message.raw_items()
        if str(key).strip().lower() == name
    ]


def _raw_header(message: Message, name: str) -> str:
    values = _raw_headers(message, name)
    return values[0] if values else ""


def _decode_words(value: str, fallback: str | None) -> str:
    """A header's text: encoded words (RFC 2047) decoded in their charset, consecutive words of
    one charset together (a character may be split between them), whitespace between two
    encoded words dropped, and unencoded 8-bit bytes read as UTF-8, else as `fallback`."""
    pieces: list[str] = []
    pending = b""
    pending_charset = None
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending_charset is not None:
            pieces.append(decode_text(pending, pending_charset))
        pending, pending_charset = b"", None

    for match in ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        position = match.end()
        if between and not (between.isspace() and pending_charset is not None):
            flush()
            pieces.append(_decode_raw(between, fallback))
        charset, encoding, encoded = match.groups()
        data = _decode_word(encoding.lower(), encoded)
        if pending_charset is not None and charset.lower() != pending_charset:
            flush()
        pending += data
        pending_charset = charset.lower()
    flush()
    pieces.append(_decode_raw(value[position:], fallback))
    return "".join(pieces)


def _decode_word(encoding: str, encoded: str) -> bytes:
    """The bytes of an encoded word's text ("q" or "b"), forgiving bad base64 padding."""
    if encoding == "q":
        return _unquote_hex(rb"=", encoded.replace("_", " "))
    data = re.sub(r"[^A-Za-z0-9+/]", "", encoded)
    if len(data) % 4 == 1:
        data = data[:-1]  # a lone last character holds no whole byte
    return binascii.a2b_base64(data + "=" * (-len(data) % 4))


def _unquote_hex(marker: bytes, text: str) -> bytes:
    """`text` as bytes, each `marker` and two hex digits replaced by the byte they name."""
    return re.sub(
        re.escape(marker) + rb"([0-9A-Fa-f]{2})",
        lambda match: bytes([int(match.group(1), 16)]),
        text.encode("utf-8", "surrogateescape"),
    )


def _decode_raw(text: str, fallback: str | None) -> str:
    """Unencoded header text: ASCII, or 8-bit bytes the parser kept as surrogate escapes."""
    if text.isascii():
        return text
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if fallback and codec_candidates(fallback):
        return decode_text(data, fallback)
    return data.decode("utf-8", errors="replace")


def _single_line(text: str) -> str:
    """Whitespace (line breaks included: no header injection) collapsed to single spaces,
    other control and bidirectional characters removed (cocreate.core.text's list)."""
    return FORBIDDEN.sub("", WHITESPACE.sub(" ", text)).strip()


def _params(value: str, fallback: str | None) -> dict[str, str]:
    """The parameters of a MIME header (Content-Type, Content-Disposition), decoded: RFC 2231
    continuations and charsets, RFC 2047 encoded words and raw 8-bit text (what clients do
    although the RFCs say otherwise). An RFC 2231 value wins over a plain one of its name."""
    plain: dict[str, str] = {}
    extended: dict[str, list[tuple[int, bool, str]]] = {}
    for match in re.finditer(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)', value):
        key, text = match.group(1).lower(), match.group(2).strip()
        if text.startswith('"'):
            text = re.sub(r"\\(.)", r"\1", text[1:].removesuffix('"'))
        parts = re.fullmatch(r"([^*]+)\*(?:(\d{1,3})\*?)?", key)
        if parts:
            name, index = parts.group(1), int(parts.group(2) or 0)
            extended.setdefault(name, []).append((index, key.endswith("*"), text))
        else:
            plain.setdefault(key, text)
    result = {name: _decode_words(text, fallback) for name, text in plain.items()}
    for name, pieces in extended.items():
        charset = None
        data = b""
        for index, encoded, text in sorted(pieces, key=lambda piece: piece[0]):
            if encoded and index == 0 and text.count("'") >= 2:
                charset, _language, text = text.split("'", 2)
            data += _unquote_hex(b"%", text) if encoded else text.encode("utf-8", "surrogateescape")
        result[name] = decode_text(data, charset or fallback)
    return result


def _main_value(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


# Addresses and ids


def _address(value: str) -> tuple[str, str] | None:
    """The first (display name, address) of an address header, the address lowercased; None
    when there is no valid one."""
    if CONTROL_IN_TEXT.search(value) or "\r" in value or "\n" in value:
        raise MailParseError(_("The sender's address holds control characters."))
    value = _decode_raw(value, None)  # 8-bit: an internationalised address is UTF-8
    if "\ufffd" in value:  # what no character set reads (Dovecot hands a NUL on as 0x80)
        raise MailParseError(_("The sender's address holds bytes that are not text."))
    for name, address in getaddresses([value]):
        address = address.strip().lower()
        if ADDRESS.fullmatch(address):
            return name, address
    return None


def normalise_message_id(value: str) -> str:
    """A Message-ID as "<left@right>" (the right side lowercased, the left kept: ids are
    case-sensitive), or "" when it is unusable: empty, or holding spaces or control
    characters."""
    value = _without_comments(value).strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    if not value or re.search(r"[\s<>\x00-\x1f\x7f]", value) or not value.isprintable():
        return ""
    left, at, right = value.rpartition("@")
    if at:
        if not left or not right:
            return ""
        value = f"{left}@{right.lower()}"
    return f"<{value}>"


def _without_comments(value: str) -> str:
    """A header value without its (comments), nested ones too, outside <ids>."""
    previous = None
    while previous != value:
        previous = value
        value = re.sub(r"\([^()<>]*\)", " ", value)
    return value


def _message_ids(value: str) -> tuple[str, ...]:
    """Every usable <id> of In-Reply-To or References, in order, each once; a lone bare id
    too (old clients)."""
    value = _without_comments(value)
    found = re.findall(r"<[^<>]*>", value)
    if not found and value.strip() and len(value.split()) == 1:
        found = [value]
    ids = (normalise_message_id(candidate) for candidate in found)
    return tuple(dict.fromkeys(message_id for message_id in ids if message_id))


# The parts


def _leaves(message: Message, depth: int = 0, parent: str = ""):
    """(part, its parent's content type) for every part that is not a multipart, in order.
    A message/* part (a forwarded message, a bounce's delivery status) is one part, kept whole
    as an attachment."""
    content_type = message.get_content_type()
    payload = message.get_payload()
    if (
        message.is_multipart()
        and not content_type.startswith("message/")
        and isinstance(payload, list)
    ):
        if depth < MAX_NESTING:
            for part in payload:
                yield from _leaves(part, depth + 1, content_type)
    else:
        yield message, parent


def _payload(part: Message) -> bytes:
    """The decoded bytes of a part (base64 or quoted-printable undone; truncated base64 gives
    what could be read)."""
    inner = part.get_payload()
    if isinstance(inner, list):  # message/*: the messages or header blocks it holds
        return b"\n".join(each.as_bytes(policy=email.policy.compat32) for each in inner)
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _clean_type(content_type: str) -> str:
    """A declared content type with only the characters a type may have (a header may carry
    anything, NUL included)."""
    return CONTENT_TYPE_JUNK.sub("", content_type) or "application/octet-stream"


def _filename(name: str, content_type: str, number: int) -> str:
    """A file's name without folders or control characters; one made up from its type
    ("image-1.png") when it has none."""
    name = _single_line(re.split(r"[/\\]", name)[-1])
    if name.strip(". ") == "":
        extension = MIME_TYPES.guess_extension(content_type) or (
            ".txt" if content_type.startswith(("text/", "message/")) else ".bin"
        )
        return f"{content_type.split('/')[0]}-{number}{extension}"
    if len(name) > FILENAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:20] if dot else ""
        name = name[: FILENAME_MAX_LENGTH - len(extension) - 1].rstrip() + "." + extension
        name = name.rstrip(".")
    return name


def _text(data: bytes, charset: str | None) -> str:
    text = decode_text(data, charset).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_IN_TEXT.sub("", text)


def _automatic(message: Message, sender: str, return_path: str, subject: str) -> str:
    def header(name: str) -> str:
        return _main_value(_raw_header(message, name))

    if message.get_content_type() == "multipart/report":
        return "bounce"
    if header("auto-submitted") not in ("", "no"):
        return "auto-submitted"
    if any(header(name) not in ("", "no") for name in ("x-autoreply", "x-autorespond")):
        return "x-autoreply"
    if header("precedence") in ("bulk", "junk", "list", "auto_reply"):
        return "precedence"
    local_parts = {address.partition("@")[0] for address in (sender, return_path)}
    if return_path == "<>" or local_parts & DAEMONS:
        return "bounce"
    suppress = {word.strip() for word in header("x-auto-response-suppress").split(",")}
    if suppress & {"all", "oof"} and AUTO_REPLY_SUBJECT.match(subject):
        return "x-auto-response-suppress"
    if _raw_header(message, "list-id") or _raw_header(message, "list-unsubscribe"):
        return "list"
    return ""


def _language(message: Message, parts) -> str:
    for part in (message, *parts):
        value = _raw_header(part, "content-language").split(",")[0].strip()
        if value:
            return value if LANGUAGE_TAG.fullmatch(value) else ""
    return ""


def _date(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return date if date.tzinfo else date.replace(tzinfo=UTC)


# The message


def parse_mail(raw: bytes, *, max_attachments: int = MAX_ATTACHMENTS) -> ParsedMail:
    """The facts of a raw message (RFC 5322 bytes, as a mail server delivers it).

    Raises MailParseError, never anything else, when it cannot be read.
    """
    raw = bytes(raw)
    if not raw.strip():
        raise MailParseError(_("The message is empty."))
    try:
        return _parse(email.message_from_bytes(raw, policy=email.policy.default), max_attachments)
    except MailParseError:
        raise
    except Exception:  # the default policy raises on some broken headers: read them as they came
        pass
    try:
        return _parse(email.message_from_bytes(raw, policy=email.policy.compat32), max_attachments)
    except MailParseError:
        raise
    except Exception as error:
        raise MailParseError(_("The message's structure could not be read.")) from error


def _parse(message: Message, max_attachments: int) -> ParsedMail:
    if not message.keys():
        raise MailParseError(_("This is not an e-mail message: it has no headers."))
    leaves = list(_leaves(message))
    charset = next(
        (part.get_content_charset() for part, _parent in leaves if part.get_content_charset()),
        None,
    )
    try:
        return _read(message, leaves, charset, max_attachments)
    except UnknownCharset as error:
        raise MailParseError(
            _("The message uses an unknown character set “%(charset)s”.")
            % {"charset": _single_line(error.charset)[:40]}
        ) from error


def _read(message: Message, leaves, charset: str | None, max_attachments: int) -> ParsedMail:
    from_header = _raw_header(message, "from")
    found = _address(from_header)
    if found is None:
        raise MailParseError(_("The message has no usable sender address (From)."))
    sender_name = _single_line(_decode_words(found[0], charset))
    sender = found[1]

    return_path_header = _raw_header(message, "return-path").strip()
    if re.fullmatch(r"<\s*>", return_path_header):
        return_path = "<>"
    else:
        address = _address(return_path_header) if return_path_header else None
        return_path = address[1] if address else ""

    subject = _single_line(_decode_words(_raw_header(message, "subject"), charset))
    subject = subject[:SUBJECT_MAX_LENGTH].rstrip()

    plain: list[tuple[bytes, str | None]] = []
    html: list[tuple[bytes, str | None]] = []
    attachments: list[MailAttachment] = []
    left_out = 0
    for part, parent in leaves:
        content_type = _clean_type(part.get_content_type())
        part_charset = part.get_content_charset()
        disposition = _raw_header(part, "content-disposition")
        names = {
            **_params(_raw_header(part, "content-type"), charset),
            **_params(disposition, charset),
        }
        name = names.get("filename") or names.get("name") or ""
        is_attachment = name or _main_value(disposition) == "attachment"
        if content_type in ("text/plain", "text/html") and not is_attachment:
            (plain if content_type == "text/plain" else html).append((_payload(part), part_charset))
            continue
        if content_type.startswith("multipart/"):
            continue  # an empty multipart, or one nested too deep
        if len(attachments) >= max_attachments:
            left_out += 1
            continue
        inline = _main_value(disposition) == "inline" or (
            parent == "multipart/related" and bool(_raw_header(part, "content-id"))
        )
        attachments.append(
            MailAttachment(
                filename=_filename(name, content_type, len(attachments) + 1),
                content_type=content_type,
                data=_payload(part),
                inline=inline,
            )
        )

    # The plain text is the body; the HTML only when there is no plain text (its charset is
    # not even looked at otherwise).
    texts = (_text(data, part_charset) for data, part_charset in plain)
    text = "\n\n".join(block.strip("\n") for block in texts if block.strip())
    if not text:
        texts = (_text(data, part_charset) for data, part_charset in html)
        text = "\n\n".join(html_to_text(block) for block in texts if block.strip())

    return ParsedMail(
        message_id=normalise_message_id(_raw_header(message, "message-id")),
        in_reply_to=_message_ids(" ".join(_raw_headers(message, "in-reply-to"))),
        references=_message_ids(" ".join(_raw_headers(message, "references"))),
        sender=sender,
        sender_name=sender_name,
        return_path=return_path,
        subject=subject,
        text=text.strip("\n"),
        attachments=tuple(attachments),
        attachments_left_out=left_out,
        automatic=_automatic(message, sender, return_path, subject),
        language=_language(message, (part for part, _parent in leaves)),
        date=_date(_raw_header(message, "date")),
    )
