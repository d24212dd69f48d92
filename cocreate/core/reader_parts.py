"""The parts of a shared page that differ between its signed-in readers.

A page cached for all signed-in readers of one language, time zone and set of roles
(cocreate/core/pagecache.py) still shows each of them something of their own: the header with
their name and unread notifications, a vote box that knows whether they voted, a follow button
that knows whether they follow. Templates mark those parts with two tags (core_tags):

- `{% reader_include "partials/header.html" %}`: a template rendered for each reader, even on a
  cached page (with the request's context, as a view's render() gives it);
- `{% reader_variant "community.vote" post vote_count=post.vote_count %}`: one of a few variants
  an app registers here, all rendered into the cached page; per response, the part's `choose`
  picks each reader's, for all such parts of the page in one go (one query, not one per part).

On a page that is not being cached both render as an include would, for the reader at hand.
"""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.template.loader import get_template, render_to_string


@dataclass(frozen=True)
class ReaderVariant:
    template: str
    # variant name -> the variables that render it
    variants: dict[str, dict]
    # (obj) -> what `choose` needs to know of this part: a few plain values, kept in the cache
    key: Callable[[object], tuple]
    # (context, obj) -> the variant of the reader of a page that is not being cached
    current: Callable[[object, object], str]
    # (user, keys) -> each part's variant for `user`: one lookup for all the page's parts
    choose: Callable[[object, Sequence[tuple]], list[str]]


_variants: dict[str, ReaderVariant] = {}


def register_reader_variant(name: str, part: ReaderVariant) -> None:
    """Let templates write `{% reader_variant name obj %}` (from an app's AppConfig.ready)."""
    _variants[name] = part


def reader_variant(name: str) -> ReaderVariant:
    return _variants[name]


@dataclass
class Recording:
    """The reader parts of a page being rendered for the cache: each written as a marker that
    no reader's text can contain (it holds a secret), and kept here to fill in per reader."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    # ("include", template name) or ("variant", name, key, {variant: HTML})
    parts: list[tuple] = field(default_factory=list)
    fresh_for: set[int] = field(default_factory=set)  # pagecache.fresh_for()

    def mark(self, part: tuple) -> str:
        self.parts.append(part)
        return f"<!--reader-part:{self.nonce}:{len(self.parts) - 1}-->"


def recording(context) -> Recording | None:
    request = context.get("request")
    return getattr(request, "reader_parts", None) if request is not None else None


def render_include(context, template_name: str) -> str:
    if (record := recording(context)) is not None:
        return record.mark(("include", template_name))
    return get_template(template_name).template.render(context)


def render_variant(context, name: str, obj, **variables) -> str:
    part = _variants[name]
    template = get_template(part.template).template

    def render(variant: str) -> str:
        with context.push(**variables, **part.variants[variant]):
            return template.render(context)

    if (record := recording(context)) is None:
        return render(part.current(context, obj))
    return record.mark(("variant", name, part.key(obj), {v: render(v) for v in part.variants}))


def fill(parts: Sequence[tuple], request) -> list[str]:
    """Each of a cached page's `parts` as `request`'s reader gets it."""
    filled: list[str | None] = [None] * len(parts)
    by_name: dict[str, list[int]] = {}
    for index, part in enumerate(parts):
        if part[0] == "include":
            filled[index] = render_to_string(part[1], request=request)
        else:
            by_name.setdefault(part[1], []).append(index)
    for name, indexes in by_name.items():
        chosen = _variants[name].choose(request.user, [parts[i][2] for i in indexes])
        for index, variant in zip(indexes, chosen, strict=True):
            filled[index] = parts[index][3][variant]
    return filled
