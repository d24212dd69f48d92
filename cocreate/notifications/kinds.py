"""The notification kinds, gathered in groups for which each person chooses how they hear.

Each app registers its kinds from its AppConfig.ready() (`register_kind_group`), so this floor
names no app above it: a group has a label, a description, the kinds it gathers, a default
delivery and the deliveries a person may choose; `visible(user)` hides the groups a person never
receives (the desk's work from customers). `docs/notifications.md` lists the groups.

A kind nobody registered is e-mailed at once, as every notification was before preferences.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person hears of a group's notifications. Every notification shows in the app."""

    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("E-mail at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)
# The kind of the digests' own rows (digests.py): e-mailed, never listed in the app.
DIGEST_KIND = "notifications.digest"
ALL_DELIVERIES = tuple(Delivery.values)


@dataclass(frozen=True)
class KindGroup:
    name: str  # "<app>.<what>", stored in NotificationPreference.group
    label: str  # lazy translations, shown in the reader's language
    description: str
    section: str  # the part of the site, a heading on the preferences page
    kinds: frozenset[str]
    default: str
    choices: tuple[str, ...]
    visible: Callable | None  # None: every signed-in person
    position: int

    @property
    def fixed(self) -> bool:
        """Only one delivery is allowed: shown, not chosen."""
        return len(self.choices) == 1

    def is_visible_to(self, user) -> bool:
        return self.visible is None or bool(self.visible(user))


_groups: dict[str, KindGroup] = {}
_group_of_kind: dict[str, str] = {}


def register_kind_group(
    name: str,
    label,
    *,
    kinds: Iterable[str],
    default: str,
    description="",
    section="",
    choices: Iterable[str] = ALL_DELIVERIES,
    visible: Callable | None = None,
    position: int = 100,
) -> KindGroup:
    """Make a group of kinds known: its `default` delivery and the `choices` a person has (one
    choice: fixed, e.g. the replies on a customer's own ticket, always e-mailed at once).
    Registering a name again replaces the group; a kind belongs to one group only."""
    choices = tuple(Delivery(choice).value for choice in choices)
    default = Delivery(default).value
    if default not in choices:
        raise ImproperlyConfigured(f"{name}: the default {default!r} is not among its choices")
    kinds = frozenset(kinds)
    for kind in kinds:
        owner = _group_of_kind.get(kind)
        if owner is not None and owner != name:
            raise ImproperlyConfigured(f"The kind {kind!r} is in {owner!r} already, not {name!r}")
    previous = _groups.get(name)
    if previous is not None:
        for kind in previous.kinds:
            _group_of_kind.pop(kind, None)
    group = KindGroup(name, label, description, section, kinds, default, choices, visible, position)
    _groups[name] = group
    for kind in kinds:
        _group_of_kind[kind] = name
    return group


def register_kinds(name: str, kinds: Iterable[str]) -> KindGroup:
    """Add kinds to a group another app registered (a floor below: its ready() ran first)."""
    group = _groups[name]
    return register_kind_group(
        name,
        group.label,
        kinds=group.kinds | frozenset(kinds),
        default=group.default,
        description=group.description,
        section=group.section,
        choices=group.choices,
        visible=group.visible,
        position=group.position,
    )


def kind_group(kind: str) -> KindGroup | None:
    name = _group_of_kind.get(kind)
    return _groups[name] if name is not None else None


def kind_groups() -> list[KindGroup]:
    """Every registered group, in the order the preferences page lists them."""
    return sorted(_groups.values(), key=lambda group: (group.position, group.name))


def kind_groups_for(user) -> list[KindGroup]:
    """The groups `user` may receive, so may choose for."""
    return [group for group in kind_groups() if group.is_visible_to(user)]
