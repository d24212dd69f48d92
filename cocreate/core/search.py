"""Full-text search that also finds Chinese, with core PostgreSQL only (see docs/search.md).

PostgreSQL's parsers split text on spaces and punctuation, and Chinese has neither between words:
"电池续航很差" would be one token, so a search for "电池" finds nothing. Instead of a word
segmenter (zhparser, pg_jieba: extensions outside core), every Han character is indexed as a
token of its own, and a Chinese query becomes a phrase of its characters: "电池" matches '电'
immediately followed by '池', so it finds 电池 and not 电 and 池 far apart. Text without Han
characters is indexed and queried exactly as before, so English search and ranking do not change.
"""

import re

from django.contrib.postgres.search import SearchQuery
from django.db.models import Func, TextField, Value

# CJK Unified Ideographs: Extension A, the basic block, compatibility ideographs, Extensions B–G.
HAN_CHARACTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RUN = re.compile(f"[{HAN_CHARACTERS}]+")
# A run of Han characters, or a run of other word characters ("USB电池" → "USB", "电池").
_TOKEN = re.compile(rf"[{HAN_CHARACTERS}]+|[^\W{HAN_CHARACTERS}]+")


class SpacedHan(Func):
    """SQL: `text` with a space on each side of every Han character, so the parser makes each
    one a token. regexp_replace is IMMUTABLE, so this can feed a generated column."""

    function = "regexp_replace"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(
            expression, Value(f"([{HAN_CHARACTERS}])"), Value(r" \1 "), Value("g"), **extra
        )


def spaced(run: str) -> str:
    return " ".join(run)


def websearch_text(text: str) -> str:
    """The user's websearch query with each Han run made a phrase of its characters.

    Outside quotes "电池" becomes `"电 池"` (a leading `-` still excludes it); inside quotes the
    characters are only spaced, so `"电池 battery"` stays one phrase. Without Han characters the
    text is returned unchanged.
    """
    if not HAN_RUN.search(text):
        return text
    pieces = text.split('"')
    for index, piece in enumerate(pieces):
        if index % 2:  # inside quotes
            pieces[index] = HAN_RUN.sub(lambda match: f" {spaced(match.group())} ", piece)
        else:
            pieces[index] = re.sub(
                f"(-?)([{HAN_CHARACTERS}]+)",
                lambda match: f' {match.group(1)}"{spaced(match.group(2))}" ',
                piece,
            )
    return '"'.join(pieces)


def websearch_query(text: str, *, config: str) -> SearchQuery | None:
    """websearch_to_tsquery of what the user typed (quotes, `or`, `-word`), Chinese included."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        return None
    return SearchQuery(websearch_text(text), search_type="websearch", config=config)


def han_pairs(run: str) -> list[str]:
    """The two-character sequences of a Han run (most Chinese words are two characters)."""
    if len(run) == 1:
        return [run]
    return [run[index : index + 2] for index in range(len(run) - 1)]


def terms(text: str, *, min_length: int = 2, skip_digits: bool = False) -> list[str]:
    """The distinct terms of `text` for an any-word query, in raw tsquery syntax: each word, and
    for Chinese each two-character sequence as a phrase ('电 <-> 池')."""
    found: list[str] = []
    for token in _TOKEN.findall(text or ""):
        if HAN_RUN.fullmatch(token):
            found.extend(" <-> ".join(pair) for pair in han_pairs(token))
        elif len(token) >= min_length and not (skip_digits and token.isdigit()):
            found.append(token)
    return list(dict.fromkeys(found))


def any_term_query(
    text: str,
    *,
    config: str,
    min_length: int = 2,
    skip_digits: bool = False,
    limit: int = 16,
) -> SearchQuery | None:
    """Matches a document sharing any term with `text` (to suggest, not to search): a title
    being typed is a description, not a query."""
    found = terms(text, min_length=min_length, skip_digits=skip_digits)[:limit]
    if not found:
        return None
    return SearchQuery(" | ".join(found), search_type="raw", config=config)


def prefix_query(text: str, *, config: str, limit: int = 8) -> SearchQuery | None:
    """Every word of `text` as a prefix ("robo" finds "Robotics"); Chinese as phrases."""
    parts = []
    for token in _TOKEN.findall(text or "")[:limit]:
        if HAN_RUN.fullmatch(token):
            parts.append(f"({' <-> '.join(token)})")
        else:
            parts.append(f"{token}:*")
    if not parts:
        return None
    return SearchQuery(" & ".join(parts), search_type="raw", config=config)
