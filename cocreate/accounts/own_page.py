"""A person's own page (/me/): what they have on the site, one section per app.

This floor names no app above it: each app registers its section from its AppConfig.ready()
with `register_own_page_section(key, title=…, read=…, template=…, …)`:

- `read(user, limit)` returns an `OwnItems`: how many there are in all and the first `limit` to
  show, in a fixed number of queries (two: a count and the rows), whatever the person has;
- `template` renders the items (`items`) as the `<li>`s of a list;
- `list_url(user)` is the address of the full list, `empty` what the empty section says and
  `action` (a label and an address) what it offers to start with.

The page shows the sections by `position` (lowest first). docs/accounts.md, "Where you land".
"""

from collections.abc import Callable
from dataclasses import dataclass

# Items each section shows; its link leads to the full list.
OWN_PAGE_ITEMS = 5


@dataclass(frozen=True)
class OwnItems:
    count: int
    items: object  # what the section's template renders; empty (falsy) when there is none


@dataclass(frozen=True)
class OwnPageSection:
    key: str
    title: str  # lazy translations, shown in the reader's language
    read: Callable[..., OwnItems]
    template: str
    list_url: Callable[..., str]
    list_label: str
    empty: str
    action_label: str
    action_url: Callable[..., str]
    position: int


@dataclass(frozen=True)
class FilledSection:
    section: OwnPageSection
    count: int
    items: object  # what the section's template renders; empty (falsy) when there is none
    list_url: str
    action_url: str


_sections: dict[str, OwnPageSection] = {}


def register_own_page_section(key: str, **fields) -> None:
    """Add a section to the own page (`fields`: those of OwnPageSection); registering a key
    again replaces it."""
    _sections[key] = OwnPageSection(key=key, **fields)


def own_page_sections(user) -> list[FilledSection]:
    """The sections of `user`'s page, each read with its first items."""
    filled = []
    for section in sorted(_sections.values(), key=lambda section: section.position):
        found = section.read(user, OWN_PAGE_ITEMS)
        filled.append(
            FilledSection(
                section, found.count, found.items, section.list_url(user), section.action_url(user)
            )
        )
    return filled
