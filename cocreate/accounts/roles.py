from enum import IntEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with exactly these names; staff is `User.is_staff`."""

    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Support agent")
    DESIGNER = "designer", _("Product designer")
    PARTNER_MEMBER = "partner_member", _("Partner member")


# Staff is not a group but User.is_staff; an identity provider's role mapping names it so.
STAFF = "staff"


class Landing(IntEnum):
    """Where people land after signing in: the first place, in this order, that they may see
    (each app registers its place with its rank, cocreate.core.menu). Staff choose among the
    places they work; then agents' desk, designers' queue, partner members' organisation; and
    everyone else (customers first of all) their own page. docs/accounts.md, "Where you land"."""

    STAFF = 10
    AGENT = 20
    DESIGNER = 30
    PARTNER_MEMBER = 40
    OWN_PAGE = 90
