"""User text is Markdown, rendered once on write to HTML that nh3 has sanitised."""

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


def render_markdown(text: str) -> str:
    """Return safe HTML for Markdown `text`: no scripts, no event handlers, no javascript: links,
    and images from this site only (others become links)."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
