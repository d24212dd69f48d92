"""User text is Markdown, rendered once on write to HTML that nh3 has sanitised.

`@username` is a mention: it links to the person's page when the app that has people's pages
(community, a floor above) registered `register_mention_links` and the person exists. Not in
code, nor inside a link's text; after a letter or digit of the Latin alphabet (or @ . / + - `)
it is part of an e-mail address or a path, not a mention. A username ends at the first
character no username holds (a space, most punctuation), and at its last letter or digit: a
trailing dot is the sentence's. Chinese text writes a space after the name, as is the custom.
"""

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False})
    .enable("table")
    .enable("strikethrough")
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Classes our renderer writes (users write no HTML): a mention's link.
ALLOWED_CLASSES = {"a": {"mention"}}

# Django's usernames hold letters, digits and . + - _ (and @, which a mention cannot hold).
# A mention ends with a letter or digit: "@bob." ends a sentence, "_@bob_" is emphasis.
MENTION = re.compile(r"@([\w.+-]{0,149}[^\W_])")
# Before the @: the end of an e-mail address's local part or of a word, not a mention.
_NOT_BEFORE_MENTION = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@./+-`")

# username set -> {username: URL of their page}, for those who exist.
_mention_links: Callable[[set[str]], Mapping[str, str]] | None = None


def register_mention_links(resolver: Callable[[set[str]], Mapping[str, str]]) -> None:
    """The app with people's pages says where each existing username's page is."""
    global _mention_links
    _mention_links = resolver


def is_same_site(src: str) -> bool:
    """Whether an image at `src` is this site's: a path here ("/media/…") or an address on
    SITE_URL. The pages' Content-Security-Policy loads no other image (img-src 'self')."""
    if "\\" in src:  # browsers read a backslash as a slash: "/\\host" is "//host"
        return False
    address = urlsplit(src)
    if not address.scheme and not address.netloc:
        return src.startswith("/") and not src.startswith("//")
    site = urlsplit(settings.SITE_URL)
    return (address.scheme.lower(), address.netloc.lower()) == (
        site.scheme.lower(),
        site.netloc.lower(),
    )


def _inside_link(tokens, idx) -> bool:
    depth = 0
    for token in tokens[:idx]:
        depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
    return depth > 0


def _render_image(self, tokens, idx, options, env) -> str:
    """An image elsewhere becomes a link to it, named by its alt text: the page would show it
    broken (CSP) and it would let its host see who reads the post (body_html in the API)."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    if is_same_site(src):
        return self.image(tokens, idx, options, env)
    text = escapeHtml(self.renderInlineAsText(token.children or [], options, env) or src)
    if _inside_link(tokens, idx):
        return text  # a link cannot hold a link: the text stays in the outer one
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(title)}"' if title else ""
    return f'<a href="{escapeHtml(src)}"{title_attr}>{text}</a>'


_markdown.add_render_rule("image", _render_image)


def _mention_rule(state, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and state.src[state.pos - 1] in _NOT_BEFORE_MENTION:
        return False
    match = MENTION.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"username": match.group(1)}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _render_mention(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    url = env.get("mentions", {}).get(token.meta["username"])
    text = escapeHtml(token.content)
    if not url or _inside_link(tokens, idx):
        return text
    return f'<a href="{escapeHtml(url)}" class="mention">{text}</a>'


_markdown.inline.ruler.push("mention", _mention_rule)
_markdown.add_render_rule("mention", _render_mention)


def _mentions_in_tokens(tokens) -> list[str]:
    names = []
    for block in tokens:
        children = block.children or []
        for idx, token in enumerate(children):
            if token.type == "mention" and not _inside_link(children, idx):
                name = token.meta["username"]
                if name not in names:
                    names.append(name)
    return names


def mentions_in(text: str) -> list[str]:
    """The usernames `text` mentions, each once, in the order they first appear."""
    if "@" not in (text or ""):
        return []
    return _mentions_in_tokens(_markdown.parse(text))


def render_markdown(text: str, *, mentions: Mapping[str, str] | None = None) -> str:
    """Return safe HTML for Markdown `text`: no scripts, no event handlers, no javascript: links,
    and images from this site only (others become links).

    Mentions link to the pages in `mentions` (username → URL); without it, to those the
    registered resolver finds (one query, only for a text that mentions someone)."""
    env: dict = {}
    tokens = _markdown.parse(text or "", env)
    if mentions is None:
        names = set(_mentions_in_tokens(tokens)) if "@" in (text or "") else set()
        mentions = _mention_links(names) if names and _mention_links else {}
    env["mentions"] = mentions
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        allowed_classes=ALLOWED_CLASSES,
    )


INLINE_TAGS = {"strong", "em", "del", "code", "a", "br"}


def render_markdown_inline(text: str) -> str:
    """Safe HTML for a one-line Markdown `text` (a notification's title): links, emphasis and
    code, no paragraphs, headings or lists; images become links (as in render_markdown);
    mentions stay text (no query)."""
    html = _markdown.renderInline(text or "", {"mentions": {}})
    return nh3.clean(
        html,
        tags=INLINE_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def _absolute(href: str) -> str:
    if href.startswith("/") and not href.startswith("//"):
        return settings.SITE_URL.rstrip("/") + href
    return href


def _inline_as_text(children, *, links: bool) -> str:
    parts: list[str] = []
    hrefs: list[tuple[str, int]] = []  # the open links: their address, where their text starts
    for token in children:
        if token.type in ("text", "code_inline", "mention"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.type == "image":
            parts.append(token.content or token.attrGet("src") or "")
            if links and token.attrGet("src"):
                parts.append(f" ({_absolute(token.attrGet('src'))})")
        elif token.type == "link_open":
            hrefs.append((token.attrGet("href") or "", len(parts)))
        elif token.type == "link_close" and hrefs:
            href, start = hrefs.pop()
            address = _absolute(href)
            if links and address and "".join(parts[start:]) not in (href, address):
                parts.append(f" ({address})")
    return "".join(parts)


def markdown_to_text(text: str, *, links: bool = True) -> str:
    """Markdown `text` as plain text for an e-mail: no stars or brackets, a link's text followed
    by its absolute address (on SITE_URL) in brackets (`links=False`: the text alone, for a
    subject), lists kept as "- " or "1. " lines, paragraphs apart by a blank line."""
    chunks: list[tuple[str, int]] = []  # (text, the list it is in: 0 for none)
    lists: list[list] = []  # per open list: [ordered, next number]
    outer = 0  # counts the lists that are in no list
    marker = ""
    for token in _markdown.parse(text or ""):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            outer += not lists
            lists.append([kind == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            marker = "  " * (len(lists) - 1) + (f"{number}. " if ordered else "- ")
            lists[-1][1] += 1
        elif kind in ("inline", "fence", "code_block"):
            if kind == "inline":
                body = _inline_as_text(token.children or [], links=links)
            else:
                body = token.content.rstrip("\n")
            indent = "  " * len(lists)
            lines = body.split("\n")
            first = marker or indent
            marker = ""
            chunks.append(
                (
                    "\n".join([first + lines[0], *(indent + line for line in lines[1:])]),
                    outer if lists else 0,
                )
            )
        elif kind == "hr":
            chunks.append(("---", outer if lists else 0))
    out = ""
    for index, (chunk, in_list) in enumerate(chunks):
        if index:
            out += "\n" if in_list and in_list == chunks[index - 1][1] else "\n\n"
        out += chunk
    return out.strip()
