"""Rules that pages of other apps ask about by name: `{% if user|may:"webhooks.use" %}`.

Each app keeps its may/can rules in its own `permissions.py`. The few that a page of another
app needs (the profile's webhooks panel, the designers' links to the desk's tickets) it
registers here by name from its AppConfig.ready(), so a lower floor asks the rule without
importing the app above it. (The header's role links go through cocreate/core/menu.py.)
"""

from collections.abc import Callable

_RULES: dict[str, Callable[..., bool]] = {}


def register_rule(name: str, rule: Callable[..., bool]) -> None:
    """Make `rule(user)` known as `name` ("<app>.<what>")."""
    _RULES[name] = rule


def user_may(user, name: str) -> bool:
    """Whether `user` passes the rule registered as `name`. An unknown name raises KeyError:
    a misspelt rule must fail loudly, not hide a link."""
    return bool(_RULES[name](user))
