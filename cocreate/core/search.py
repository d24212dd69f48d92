"""Full-text search that also finds Chinese, with core PostgreSQL only (see docs/search.md).

PostgreSQL's parsers split text on spaces and punctuation, and Chinese has neither between words:
"电池续航很差" would be one token, so a search for "电池" finds nothing. Instead of a word
segmenter (zhparser, pg_jieba: extensions outside core), every Han character is indexed as a
token of its own, and a Chinese query becomes a phrase of its characters: "电池" matches '电'
immediately followed by '池', so it finds 电池 and not 电 and 池 far apart. Text without Han
characters is indexed and queried exactly as before, so English search and ranking do not change.

Search also forgives (docs/search.md, "Search that forgives"): the last word typed is a prefix
too (`typing_query`), and when the words as typed find nothing, `forgive` corrects typos from the
vocabulary (cocreate/core/vocabulary.py), then falls back to any of the words.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

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


# --- Search that forgives ------------------------------------------------------------------------

# A shorter last word is not taken as a prefix: "ch" would match a good part of the language.
MIN_PREFIX_LENGTH = 3
# Terms of a query used at most for the prefix and any-word queries.
MAX_TERMS = 16
# websearch operators: a quoted phrase, an excluded -word, `or`.
_OPERATOR = re.compile(r'"|(?:^|\s)-|(?:^|\s)or(?:\s|$)', re.IGNORECASE)


def _plain(text: str) -> bool:
    """Words only, no websearch operator: what the user typed means "all these words", which
    may be completed, corrected or loosened. With operators it is taken as written."""
    return not _OPERATOR.search(text)


def _term(token: str) -> str:
    """A token as a raw tsquery term: a word, or a Chinese run as a phrase of its characters."""
    if HAN_RUN.fullmatch(token):
        return f"({' <-> '.join(token)})"
    return token


def _prefix_token(text: str, tokens: list[str]) -> str:
    """The last word if it may be a prefix: a plain query ending with a word (not Chinese: a
    phrase of characters already matches the longer words starting with them) of at least
    MIN_PREFIX_LENGTH characters."""
    if not tokens or len(tokens) > MAX_TERMS or not _plain(text):
        return ""
    last = tokens[-1]
    if HAN_RUN.fullmatch(last) or len(last) < MIN_PREFIX_LENGTH:
        return ""
    return last if text.rstrip().endswith(last) else ""


def typing_query(text: str, *, config: str) -> SearchQuery | None:
    """`websearch_query`, and the last word also as a prefix while it is being typed: "charg"
    finds "charger" as well as "charging". Only ever more matches than the words as typed."""
    typed = websearch_query(text, config=config)
    if typed is None:
        return None
    tokens = _TOKEN.findall(text)
    last = _prefix_token(text, tokens)
    if not last:
        return typed
    parts = [_term(token) for token in tokens[:-1]] + [f"{last}:*"]
    return typed | SearchQuery(" & ".join(parts), search_type="raw", config=config)


def any_words_query(text: str, *, config: str) -> SearchQuery | None:
    """Any of the words of a plain query (the last one as a prefix), for Chinese any of its
    two-character sequences; None when that would be the query itself (a single term) or with
    websearch operators."""
    if not _plain(text):
        return None
    found = terms(text, min_length=2)[:MAX_TERMS]
    if len(found) < 2:
        return None
    last = _prefix_token(text, _TOKEN.findall(text))
    if last and found[-1] == last:
        found[-1] = f"{last}:*"
    return SearchQuery(" | ".join(found), search_type="raw", config=config)


@dataclass(frozen=True)
class Forgiven:
    """What was searched instead of the words as typed, which found nothing."""

    query: SearchQuery
    found: int  # what `matches` said of it
    corrected: str = ""  # the text with its typos corrected, when it had any
    any_words: bool = False  # matches some of the words, not all of them


def corrected_text(text: str, *, config: str) -> str:
    """`text` with each word that matches nothing replaced by the likeliest vocabulary word one
    or two edits away ("batery life" → "battery life"); "" when nothing was corrected. Chinese is
    never corrected. One query on the vocabulary, none without a word long enough to correct."""
    from .vocabulary import corrections

    if not _plain(text):
        return ""
    words = [token.lower() for token in _TOKEN.findall(text) if token.isalpha()]
    words = [word for word in words if not HAN_RUN.search(word)]
    found = corrections(words, config=config) if words else {}
    if not found:
        return ""
    return _TOKEN.sub(lambda match: found.get(match.group().lower(), match.group()), text)


def forgive(text: str, *, config: str, matches: Callable[[SearchQuery], int]) -> Forgiven | None:
    """When the words as typed found nothing: the typos corrected, else (or if that finds
    nothing either) any of the words. `matches(query)` says how many rows a query finds (one
    bounded query). At most three queries in all: the vocabulary, the corrected words, any of
    the words. None when nothing forgiving finds anything."""
    corrected = corrected_text(text, config=config)
    if corrected:
        query = typing_query(corrected, config=config)
        found = matches(query)
        if found:
            return Forgiven(query=query, found=found, corrected=corrected)
    query = any_words_query(corrected or text, config=config)
    if query is not None:
        found = matches(query)
        if found:
            return Forgiven(query=query, found=found, corrected=corrected, any_words=True)
    return None
