"""The placeholders canned responses and macros may use, and filling them in for a ticket.

A text names a placeholder in braces: "Hello {customer}". Filling refuses a text with a name it
does not know, or with a placeholder this ticket has nothing for (`{serial}` on a ticket without
a registered unit), rather than sending the customer a brace or an empty gap: the agent edits
the reply instead.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# name → (what it stands for, shown to agents; how to read it from a ticket and the agent)
PLACEHOLDERS = {
    "customer": (_("the customer's name"), lambda ticket, agent: ticket.customer.public_name),
    "ticket": (_("the ticket number"), lambda ticket, agent: ticket.number),
    "subject": (_("the ticket's subject"), lambda ticket, agent: ticket.subject),
    "product": (_("the product's name"), lambda ticket, agent: ticket.product.name),
    "serial": (
        _("the serial number of the registered unit"),
        lambda ticket, agent: ticket.registration.serial_number if ticket.registration else "",
    ),
    "agent": (_("your name"), lambda ticket, agent: agent.public_name if agent else ""),
}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def validate_placeholders(text: str) -> None:
    """Refuse a text naming a placeholder that does not exist (a macro's or canned reply's)."""
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s. Use %(known)s."),
            params={
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="unknown_placeholder",
        )


def fill_placeholders(text: str, ticket, agent=None, *, strict: bool = True) -> str:
    """`text` with each placeholder replaced by this ticket's value.

    Raises ValidationError naming every placeholder that is unknown or has no value here; with
    `strict=False` those are left as written instead (text put into a reply box the agent edits
    before sending)."""
    values = {name: read(ticket, agent) for name, (_label, read) in PLACEHOLDERS.items()}
    if not strict:
        return PLACEHOLDER.sub(lambda match: values.get(match.group(1)) or match.group(0), text)
    validate_placeholders(text)
    missing = sorted({name for name in PLACEHOLDER.findall(text or "") if not values[name]})
    if missing:
        raise ValidationError(
            _("This ticket has nothing to fill %(names)s with: edit the reply before sending it."),
            params={"names": ", ".join(f"{{{name}}}" for name in missing)},
            code="missing_placeholder",
        )
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text or "")


def validate_filled(text: str) -> None:
    """Refuse a reply that still names a placeholder ("{serial}" left in the reply box), rather
    than send the customer a brace: the agent writes the value in."""
    left = sorted({name for name in PLACEHOLDER.findall(text or "") if name in PLACEHOLDERS})
    if left:
        raise ValidationError(
            {
                "body": [
                    _(
                        "The reply still contains %(names)s: write in what it stands for before "
                        "sending."
                    )
                    % {"names": ", ".join(f"{{{name}}}" for name in left)}
                ]
            },
            code="unfilled_placeholder",
        )
