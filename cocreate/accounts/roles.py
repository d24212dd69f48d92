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
