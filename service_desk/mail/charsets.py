"""Bytes of a mail to text, whatever character set its sender's client declared.

Clients label text with the name of a smaller character set than they used: Chinese clients
write GBK (even GB18030) as "gb2312", Taiwanese ones Big5 with Microsoft's or Hong Kong's
additions as "big5", Japanese ones Shift_JIS with the NEC and IBM characters of Windows as
"shift_jis", Windows clients cp1252 as "iso-8859-1". So a declared set is read as its superset.
Text that fits neither the declared set nor its superset is still read, with U+FFFD for the
bytes that do not fit: a few bad bytes must not lose a customer's mail. A set no one knows is
different: guessing would turn the whole text into mojibake, so the text is read as UTF-8 if it
is valid UTF-8, and refused otherwise (`UnknownCharset`).
"""

import codecs

# Names mail clients use that Python does not know, or knows as a smaller set than meant.
ALIASES = {
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "cn-gb": "gb2312",
    "x-euc-cn": "gb2312",
    "cn-big5": "big5",
    "x-x-big5": "big5",
    "x-sjis": "shift_jis",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "iso-8859-8-i": "iso8859_8",
    "unicode-1-1-utf-8": "utf-8",
}

# Python's canonical name of a declared set → what to try, in order (a superset first).
SUPERSETS = {
    "ascii": ("utf-8",),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "big5": ("big5hkscs", "cp950"),
    "shift_jis": ("cp932", "shift_jis_2004"),
    "euc_jp": ("euc_jp", "euc_jis_2004"),
    "iso2022_jp": ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_3"),
    "euc_kr": ("cp949",),
    "iso8859-1": ("cp1252", "iso8859-1"),
    "iso8859-9": ("cp1254", "iso8859-9"),
    "tis-620": ("cp874", "tis-620"),
}

# Codecs that are text encodings to Python but no character set of a mail.
NOT_CHARSETS = {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode"}

# Single-byte sets, whose bytes always decode: valid UTF-8 with non-ASCII characters in text
# declared as one of these was UTF-8 mislabelled ("Ã©" is not what anyone wrote).
SINGLE_BYTE_PREFIXES = ("iso8859", "cp125", "ascii", "latin", "mac", "koi8", "cp874", "tis")


class UnknownCharset(Exception):
    """Text declared in a character set that does not exist, and not valid UTF-8 either."""

    def __init__(self, charset: str):
        super().__init__(charset)
        self.charset = charset


def codec_candidates(charset: str | None) -> tuple[str, ...] | None:
    """The codecs to try for text declared as `charset`, best first; None when it is unknown.

    No declared set (None or "") reads as UTF-8, which contains US-ASCII, mail's default.
    """
    name = (charset or "").strip().strip("\"'").lower()
    if not name:
        return ("utf-8",)
    name = name.split("*", 1)[0]  # RFC 2231 language suffix in an encoded word: utf-8*en
    name = ALIASES.get(name, name)
    try:
        canonical = codecs.lookup(name).name
        b"".decode(name)  # LookupError for bytes-to-bytes codecs (base64, zlib …)
    except (LookupError, ValueError):
        return None
    if canonical in NOT_CHARSETS:
        return None
    return SUPERSETS.get(canonical, (canonical,))


def decode_text(data: bytes, charset: str | None) -> str:
    """`data` as text, read as declared in `charset` (see the module's docstring)."""
    candidates = codec_candidates(charset)
    if candidates is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise UnknownCharset(str(charset)) from None
    if candidates[0] != "utf-8" and candidates[0].startswith(SINGLE_BYTE_PREFIXES):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if not text.isascii():
                return text
    for codec in candidates:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode(candidates[0], errors="replace")
