"""System checks of the accounts' settings."""

from django.conf import settings
from django.core.checks import Error, register

from .roles import Role


@register
def check_mfa_required_roles(app_configs, **kwargs):
    """ACCOUNTS_MFA_REQUIRED_ROLES names "staff" and roles only: a misspelt role would leave
    its people without the second factor they must have."""
    unknown = [
        name
        for name in settings.ACCOUNTS_MFA_REQUIRED_ROLES
        if name != "staff" and name not in Role.values
    ]
    if not unknown:
        return []
    return [
        Error(
            f"ACCOUNTS_MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use staff or roles of cocreate/accounts/roles.py: {', '.join(Role.values)}.",
            id="accounts.E001",
        )
    ]
