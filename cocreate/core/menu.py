"""The header's navigation, filled by the apps: the ground floor names no app above it.

Each app registers its entries from its AppConfig.ready() with a position: the header shows
them by position, the order a visitor walks the site, not the floors' order in which they
register.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str  # a lazy translation, shown in the reader's language
    url_name: str
    visible: Callable | None  # None: a section every visitor sees; else a page of some roles
    position: int


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Menu:
    sections: list[MenuLink]
    role_pages: list[MenuLink]


_entries: dict[str, MenuEntry] = {}


def register_menu_entry(
    label, url_name: str, *, position: int, visible: Callable | None = None
) -> None:
    """Add a link to the header, among the others of its kind by `position` (lowest first).

    Without `visible` it is one of the site's sections, shown to every visitor and marked as the
    current one on the pages under its address. With `visible(user)` it is a page of a role,
    shown apart to the signed-in users for whom it returns True.
    """
    _entries[url_name] = MenuEntry(label, url_name, visible, position)


def menu_for(request, user) -> Menu:
    """The header's links for this request's path and this user (signed in or not)."""
    sections, role_pages = [], []
    for entry in sorted(_entries.values(), key=lambda entry: entry.position):
        if entry.visible is None:
            url = reverse(entry.url_name)
            sections.append(MenuLink(entry.label, url, current=request.path.startswith(url)))
        elif user.is_authenticated and entry.visible(user):
            role_pages.append(MenuLink(entry.label, reverse(entry.url_name)))
    return Menu(sections, role_pages)
