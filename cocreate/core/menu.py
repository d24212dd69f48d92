"""The header's navigation, filled by the apps: the ground floor names no app above it.

Each app registers its entries from its AppConfig.ready() with a position: the header shows
them by position, the order a visitor walks the site, not the floors' order in which they
register.

A page of some roles may also be a place where people land after signing in (`landing`): each
person lands on the first such place they may see, by `landing` (lowest first), and the header
shows that place, their own, first among their pages (docs/accounts.md, "Where you land").
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language


@dataclass(frozen=True)
class MenuEntry:
    label: str  # a lazy translation, shown in the reader's language
    url_name: str
    visible: Callable | None  # None: a section every visitor sees; else a page of some roles
    position: int
    landing: int | None = None  # its rank among the places people land on; None: not one
    description: str = ""  # a lazy translation: what the page is for, on the staff's choice


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool = False
    description: str = ""
    own: bool = False  # the person's own place: where they land after signing in


@dataclass(frozen=True)
class Menu:
    sections: list[MenuLink]
    role_pages: list[MenuLink]  # the person's own place first, then the others by position


_entries: dict[str, MenuEntry] = {}


def register_menu_entry(
    label,
    url_name: str,
    *,
    position: int,
    visible: Callable | None = None,
    landing: int | None = None,
    description="",
) -> None:
    """Add a link to the header, among the others of its kind by `position` (lowest first).

    Without `visible` it is one of the site's sections, shown to every visitor and marked as the
    current one on the pages under its address. With `visible(user)` it is a page of a role,
    shown apart to the signed-in users for whom it returns True; with `landing` too, those users
    may land there after signing in (the lowest `landing` they may see wins).
    """
    _entries[url_name] = MenuEntry(label, url_name, visible, position, landing, description)
    _rendered.clear()


def _own_entry(user) -> MenuEntry | None:
    """The first place, in the landing order, that `user` may see."""
    places = [
        entry
        for entry in _entries.values()
        if entry.landing is not None and entry.visible is not None and entry.visible(user)
    ]
    return min(places, key=lambda entry: entry.landing, default=None)


def landing_url(user) -> str:
    """Where `user` lands after signing in: their own place, else the home page."""
    entry = _own_entry(user) if user.is_authenticated else None
    return reverse(entry.url_name if entry else "core:home")


def fixed_url(url_name: str) -> str:
    """The address of a URL that takes no arguments (the header's and footer's links), reversed
    once per process for each site root and URLconf: reverse() costs tens of microseconds."""
    return _reversed(url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@cache
def _reversed(url_name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def _link(entry: MenuEntry, path: str, *, own: bool = False) -> MenuLink:
    url = fixed_url(entry.url_name)
    return MenuLink(entry.label, url, path.startswith(url), entry.description, own)


def role_pages_for(user, path: str = "") -> list[MenuLink]:
    """The pages of `user`'s roles: their own place first, then the others by position."""
    if not user.is_authenticated:
        return []
    own = _own_entry(user)
    others = sorted(
        (
            entry
            for entry in _entries.values()
            if entry.visible is not None and entry is not own and entry.visible(user)
        ),
        key=lambda entry: entry.position,
    )
    return ([_link(own, path, own=True)] if own else []) + [_link(e, path) for e in others]


def menu_for(request, user) -> Menu:
    """The header's links for this request's path and this user (signed in or not). One link is
    the current page: a role page under whose address the path is (/partners/mine/), else the
    section it is in (/partners/)."""
    role_pages = role_pages_for(user, request.path)
    in_role_page = any(link.current for link in role_pages)
    sections = [
        _link(entry, "" if in_role_page else request.path)
        for entry in sorted(_entries.values(), key=lambda entry: entry.position)
        if entry.visible is None
    ]
    return Menu(sections, role_pages)


# The rendered links of the header, by what makes them differ: the language, the site root and
# URLconf, and which links show, which is the person's own and which is current. A handful of
# combinations (roles x languages x sections), so kept for the process's life; a registration
# (register_menu_entry) empties it.
_rendered: dict[tuple, SafeString] = {}


def rendered_menu(request, user) -> SafeString:
    """The header's `<li>` links (partials/main_menu.html) for this request and user, rendered
    once per process for each combination of the links shown, the current one and the language:
    nothing of the person but which links they see goes into it."""
    menu = menu_for(request, user)
    key = (
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        tuple((link.url, link.current, link.own) for link in menu.sections + menu.role_pages),
    )
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = get_template("partials/main_menu.html").render({"menu": menu})
    return html
