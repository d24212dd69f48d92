"""What is shown of a reply by e-mail: the new text, without the quoted history or signature.

In order:

1. Outlook-style history is cut off where it starts: a separator ("-----Original Message-----",
   "-----原始邮件-----", QQ Mail's "------------------ 原始邮件 ------------------"), a rule of
   underscores followed by a "From:" block, or a "From:/Sent:" header block without a rule
   (in English, Chinese and a few European languages). Everything below is history.
2. ">" quotes are dropped line by line, with the attribution line before them ("On … wrote:",
   possibly wrapped over two lines; "Am … schrieb …:", "在 … 写道：", "… 于 … 写道：" …). Text
   between quote blocks is kept: it is an answer written inline, below the question it
   answers, and what the customer wrote matters more than the context it lost.
3. The signature is cut at its delimiter ("-- " of RFC 3676, or "--").
4. Mobile footers ("Sent from my iPhone", "发自我的iPhone", "Get Outlook for Android" …) at the
   end of what is left are removed.

If nothing is left (the whole message was a quote), the original text is returned, stripped.
"""

import re

FROM_KEYS = r"from|发件人|寄件者|寄件人|差出人|von|de|da|van|från|fra|od|от"
DATE_KEYS = (
    r"sent|date|发送时间|日期|时间|寄件日期|傳送時間|送信日時|日時|gesendet|datum|envoyé|"
    r"enviado|fecha|inviato|data|verzonden|skickat|sendt|wysłano|отправлено"
)
HEADER_LINE = re.compile(rf"^\s*\*?({FROM_KEYS})\*?\s*[:：]", re.IGNORECASE)
DATE_LINE = re.compile(rf"^\s*\*?({DATE_KEYS})\*?\s*[:：]", re.IGNORECASE)
DATE_INSIDE = re.compile(rf"\s\*?({DATE_KEYS})\*?\s*[:：]", re.IGNORECASE)
SEPARATOR = re.compile(
    r"^\s*-{3,}\s*(original message|original|原始邮件|原始郵件|邮件原文|ursprüngliche nachricht|"
    r"message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|"
    r"mensagem original|元のメッセージ)\s*-{3,}\s*$",
    re.IGNORECASE,
)
RULE = re.compile(r"^\s*_{10,}\s*$")
FORWARDED = re.compile(r"forwarded message|转发的邮件|已转发邮件|weitergeleitete nachricht", re.I)
ATTRIBUTION = re.compile(
    r"^\s*("
    r"on\s.+\swrote\s*:|"  # Gmail, Apple Mail, Thunderbird
    r"am\s.+\sschrieb\s.*:|"  # German
    r"le\s.+\sa\s+écrit\s*:|"  # French
    r"el\s.+\sescribió\s*:|"  # Spanish
    r"op\s.+\sschreef\s.*:|"  # Dutch
    r"il\s.+\sha\s+scritto\s*:|"  # Italian
    r"em\s.+\sescreveu\s*:|"  # Portuguese
    r".+写道\s*[:：]|"  # Chinese: Apple Mail "在 …，张三 <…> 写道：", Gmail "张三 <…> 于…写道："
    r".+(のメール|のメッセージ|さんは書きました)\s*[:：]|"  # Japanese
    r"\d{4}年\d{1,2}月\d{1,2}日.+<[^<>\s]+@[^<>\s]+>\s*[:：]"  # Japanese Gmail
    r")\s*$",
    re.IGNORECASE,
)
SIGNATURE = re.compile(r"^--\s?$")
FOOTER = re.compile(
    r"^\s*("
    r"sent from (my )?[\w .-]{1,40}|"
    r"sent (with|via) [\w .-]{1,40}|"
    r"get outlook for (ios|android)|"
    r"发自我的\s?\w{1,20}|"
    r"从我的\s?\w{1,20}\s?发送|"
    r"来自\s?\w{1,20}\s?客户端|"
    r"envoyé de mon \w{1,20}|"
    r"von meinem \w{1,20} gesendet|"
    r"enviado desde mi \w{1,20}|"
    r"inviato da(l mio)? \w{1,20}|"
    r"\w{1,20}から送信"
    r")\s*\.?\s*$",
    re.IGNORECASE,
)


def _clean(line: str) -> str:
    """A line as compared: non-breaking spaces (QQ Mail's plain text writes "&nbsp;") as spaces."""
    return line.replace("&nbsp;", " ").replace("\xa0", " ")


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _next_filled(lines: list[str], start: int) -> int | None:
    """The index of the first non-blank line from `start`, None when there is none."""
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _history_start(lines: list[str]) -> int | None:
    """Where Outlook-style, unquoted history starts (step 1), None when there is none."""
    for index, raw in enumerate(lines):
        line = _clean(raw)
        if SEPARATOR.match(line):
            return index
        following = [_clean(other) for other in lines[index + 1 : index + 7]]
        if RULE.match(line):
            filled = _next_filled(following, 0)
            if filled is not None and HEADER_LINE.match(following[filled]):
                return index
        if HEADER_LINE.match(line) and (
            DATE_INSIDE.search(line) or any(DATE_LINE.match(other) for other in following)
        ):
            before = _next_filled(list(reversed(lines[:index])), 0)
            if before is None or not FORWARDED.search(lines[index - 1 - before]):
                return index
    return None


def _attribution_lines(lines: list[str]) -> set[int]:
    """The lines of attributions followed by a ">" quote (one line, or wrapped over two)."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        if _is_quote(line) or not line.strip():
            continue
        for span in (1, 2):
            text = " ".join(part.strip() for part in lines[index : index + span])
            after = _next_filled(lines, index + span)
            if ATTRIBUTION.match(text) and after is not None and _is_quote(lines[after]):
                found.update(range(index, index + span))
                break
    return found


def reply_text(text: str) -> str:
    """The new text of a reply (see the module's docstring)."""
    original = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = original.split("\n")

    start = _history_start(lines)
    if start is not None:
        lines = lines[:start]

    attributions = _attribution_lines(lines)
    lines = [
        line
        for index, line in enumerate(lines)
        if index not in attributions and not _is_quote(line)
    ]

    for index, line in enumerate(lines):
        if SIGNATURE.match(line.rstrip("\n")):
            lines = lines[:index]
            break

    while lines and (not lines[-1].strip() or FOOTER.match(_clean(lines[-1]))):
        lines.pop()

    result = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()
    return result or original.strip()
