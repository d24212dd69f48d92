"""A lint that finds user-facing text left outside the translation machinery in Django templates.

The template is tokenised with Django's own lexer. Template tags and variables are blanked out
(keeping line breaks), and so is everything between {% blocktranslate %} … {% endblocktranslate %}
and {% comment %} … {% endcomment %}. What remains is HTML: the text between tags (outside HTML
comments, <script> and <style>) and a few attributes a person reads or hears must have no words.
String literals inside template tags and variables (`|default:"Nothing yet"`, `yesno:"Yes,No"`,
`{% include … with title="Parts" %}`) are checked too, unless wrapped in `_()`: a literal that
reads like prose (words with a space between them, or a capitalised word) must be translated.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.template.base import DebugLexer, TokenType

# Words that read the same in every language. Keep this list short and explain each entry.
ALLOWED_WORDS = {
    "CoCreate",  # the product name is never translated (docs/glossary.md)
    "API",  # technical acronyms kept as-is in Chinese too
    "OpenAPI",
    "SKU",
    "CSV",
}

# Attributes whose value is shown to or read out for a person.
TEXT_ATTRIBUTES = {
    "placeholder",
    "title",
    "alt",
    "label",  # <option label>, <track label>
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "data-confirm",
    "hx-confirm",
    "hx-prompt",
}
# <meta name=…> whose content a person reads (search results, link previews).
READ_META_NAMES = {"description", "og:title", "og:description", "twitter:title"}
# <input type=…> whose value is the visible label of a button.
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}

SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}
WORD_EDGE_PUNCTUATION = "\"'.,:;!?()[]{}«»“”‘’—–-…·/|*"


@dataclass(frozen=True)
class Finding:
    line: int
    text: str

    def format(self, filename):
        return f"{filename}:{self.line}: {self.text}"


def mask_template_syntax(source):
    """The source with template syntax and already-translated blocks replaced by spaces."""
    chars = list(source)
    closing = None
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        blank = token.token_type != TokenType.TEXT or closing is not None
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0] if token.contents else ""
            if closing is None and name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
            elif name == closing:
                closing = None
        if blank:
            for index in range(start, end):
                if chars[index] != "\n":
                    chars[index] = " "
    return "".join(chars)


# Tags whose string arguments are names, paths or already translated text.
NON_TEXT_TAGS = {
    "load", "extends", "url", "static", "translate", "trans", "blocktranslate", "blocktrans",
    "endblocktranslate", "endblocktrans", "plural", "language", "get_current_language",
}  # fmt: skip
# Filters whose argument is a format or a code, not text for a reader.
FORMAT_FILTERS = {"date", "time", "stringformat", "slice", "floatformat", "truncatechars"}
LITERAL = re.compile(r"""(_\()?(?:\|\s*(\w+)\s*:\s*)?(["'])(.*?)\3""")
PROSE = re.compile(r"[^\W\d_]+\s+[^\W\d_]+|^[A-Z][a-z]+")


def literal_findings(source):
    """Findings for prose written as a string literal inside template tags and variables."""
    findings = []
    closing = None
    for token in DebugLexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0] if token.contents else ""
            if closing is None and name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
            elif name == closing:
                closing = None
            if name in NON_TEXT_TAGS:
                continue
        elif token.token_type != TokenType.VAR:
            continue
        if closing is not None:
            continue
        for match in LITERAL.finditer(token.contents):
            translated, filter_name, _quote, text = match.groups()
            if translated or filter_name in FORMAT_FILTERS:
                continue
            if PROSE.search(text):
                findings.append(Finding(token.lineno, f'"{text}"'))
    return findings


def words_with_letters(text):
    for word in text.split():
        core = word.strip(WORD_EDGE_PUNCTUATION)
        if any(char.isalpha() for char in word) and core not in ALLOWED_WORDS:
            yield word


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []
        self.raw_text_element = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.raw_text_element = tag
        self._check_attributes(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check_attributes(tag, attrs)

    def handle_endtag(self, tag):
        if tag == self.raw_text_element:
            self.raw_text_element = None

    def handle_data(self, data):
        if self.raw_text_element:
            return
        line = self.getpos()[0]
        for number, text in enumerate(data.split("\n")):
            words = list(words_with_letters(text))
            if words:
                self.findings.append(Finding(line + number, " ".join(words)))

    def _check_attributes(self, tag, attrs):
        values = dict(attrs)
        checked = [name for name in TEXT_ATTRIBUTES if name in values]
        if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES:
            checked.append("value")
        if tag == "meta" and (values.get("name") or values.get("property")) in READ_META_NAMES:
            checked.append("content")
        tag_text = self.get_starttag_text() or ""
        for name in sorted(checked):
            words = list(words_with_letters(values[name] or ""))
            if words:
                offset = tag_text.find(f"{name}=")
                line = self.getpos()[0] + tag_text[: max(offset, 0)].count("\n")
                self.findings.append(Finding(line, f'{name}="{" ".join(words)}"'))


def lint_template(source):
    """Findings (line, untranslated text) for one template's source."""
    finder = _TextFinder()
    finder.feed(mask_template_syntax(source))
    finder.close()
    return sorted([*finder.findings, *literal_findings(source)], key=lambda f: f.line)
