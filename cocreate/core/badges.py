"""Status badges: `{% status_badge ticket %}` shows a record's status as a coloured badge.

Each app says once how its statuses look, from its AppConfig.ready():
`register_status_badges(Ticket, {"open": "badge-accent", "resolved": "badge-ok", …})`, so
pages never copy a status-to-colour `{% if %}` chain. A status left out of the mapping is a
plain badge.
"""

_BADGES: dict[tuple[str, str], dict[str, str]] = {}


def register_status_badges(model, classes: dict[str, str], *, field: str = "status") -> None:
    """The badge class (`badge-ok`, `badge-warn`, `badge-danger`, `badge-muted`,
    `badge-accent`, or an app's own) of each value of `model.<field>`."""
    _BADGES[(model._meta.label_lower, field)] = dict(classes)


def status_badge_class(instance, field: str = "status") -> str:
    """The class registered for `instance.<field>`'s value, "" when there is none."""
    classes = _BADGES.get((instance._meta.label_lower, field), {})
    return classes.get(getattr(instance, field), "")
