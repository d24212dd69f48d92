"""An HTML mail's body as plain text.

Block elements and <br> break lines, list items start with "- ", a link keeps its target as
"text (url)" when the text does not already say it, quoted mail (<blockquote>) is prefixed with
"> " per level as plain-text mail quotes, so `quoting.reply_text` can drop it. Scripts, styles
and the document's head are left out. The result is plain text, rendered later as Markdown by
the project's sanitiser: nothing of the HTML is trusted or kept.
"""

import re
from html.parser import HTMLParser

BLOCKS = {
    "address", "article", "aside", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main",
    "nav", "ol", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
}  # fmt: skip
PARAGRAPHS = {"h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"}
SKIPPED = {"head", "script", "style", "title", "template"}
CELLS = {"td", "th"}
LINK_SCHEMES = ("http://", "https://", "mailto:", "ftp://", "tel:")
WHITESPACE = re.compile(r"\s+")


def _bare_url(url: str) -> str:
    """A link target as people write it in a link's text: no scheme, no trailing slash."""
    return re.sub(r"^(https?://|mailto:|tel:|ftp://)", "", url.strip(), flags=re.I).rstrip("/")


def _blank(line: str) -> bool:
    return not line.strip("> ")


class _TextWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.quote_depth = 0
        self.line_depth = 0  # the quote depth of the line being written
        self.skipping: list[str] = []
        self.pre = 0
        self.lists = 0
        self.links: list[tuple[str, list[str]]] = []
        self.paragraphs: list[bool] = []  # for each open <p>: is it one of Outlook's lines?

    # Lines
    def _break(self) -> None:
        """End the line being written, if anything is on it."""
        if "".join(self.line).strip():
            self._end_line()

    def _end_line(self) -> None:
        depth = self.line_depth if self.line else self.quote_depth
        self.lines.append(("> " * depth + "".join(self.line)).rstrip())
        self.line = []

    def _paragraph(self) -> None:
        """End the line being written and leave a blank line after it."""
        self._break()
        if self.lines and not _blank(self.lines[-1]):
            self.lines.append(("> " * self.quote_depth).rstrip())

    def _write(self, text: str) -> None:
        if not self.line:
            self.line_depth = self.quote_depth
        self.line.append(text)
        for _href, collected in self.links:
            collected.append(text)

    # Parser events
    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.skipping.clear()  # a head left open ends where the body starts
            return
        if self.skipping or tag in SKIPPED:
            if tag in SKIPPED:
                self.skipping.append(tag)
            return
        if tag == "br":
            self._end_line()
        elif tag == "blockquote":
            self._paragraph()
            self.quote_depth += 1
        elif tag == "li":
            self._break()
            self._write("  " * max(self.lists - 1, 0) + "- ")
        elif tag in CELLS:
            if "".join(self.line).strip():
                self._write(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", []))
        elif tag == "p":
            # Outlook writes each line as a margin-less <p class="MsoNormal">, a blank line
            # as an empty one.
            self.paragraphs.append("msonormal" in (dict(attrs).get("class") or "").lower())
            if self.paragraphs[-1]:
                self._break()
            else:
                self._paragraph()
        elif tag in PARAGRAPHS and not (tag in ("ul", "ol") and self.lists):
            self._paragraph()
        elif tag in BLOCKS:
            self._break()
        if tag in ("ul", "ol"):
            self.lists += 1
        elif tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag == "blockquote":
            self._break()
            self.quote_depth = max(self.quote_depth - 1, 0)
            self._paragraph()
        elif tag == "a" and self.links:
            href, collected = self.links.pop()
            text = WHITESPACE.sub(" ", "".join(collected)).strip()
            if href.lower().startswith(LINK_SCHEMES) and _bare_url(text) != _bare_url(href):
                self._write(f" ({href.strip()})" if text else href.strip())
        elif tag == "p":
            if self.paragraphs and self.paragraphs.pop():
                self._end_line()
            else:
                self._paragraph()
        elif tag in ("ul", "ol"):
            self.lists = max(self.lists - 1, 0)
            if self.lists:
                self._break()
            else:
                self._paragraph()
        elif tag in PARAGRAPHS:
            self._paragraph()
        elif tag in BLOCKS or tag == "li":
            self._break()
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def handle_data(self, data):
        if self.skipping:
            return
        if self.pre:
            first, *others = data.replace("\r\n", "\n").split("\n")
            self._write(first)
            for line in others:
                self._end_line()
                self._write(line)
            return
        text = WHITESPACE.sub(" ", data)
        current = "".join(self.line)
        if text.startswith(" ") and (not current.strip() or current.endswith(" ")):
            text = text[1:]
        if text:
            self._write(text)

    def text(self) -> str:
        """The lines written, one blank line at most between paragraphs."""
        self._break()
        kept: list[str] = []
        for line in self.lines:
            if not (_blank(line) and (not kept or _blank(kept[-1]))):
                kept.append(line)
        while kept and _blank(kept[-1]):
            kept.pop()
        return "\n".join(kept)


def html_to_text(html: str) -> str:
    """The readable text of an HTML document or fragment."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()
