"""Who may receive webhooks: partners integrate through them, and staff."""


def may_use_webhooks(user) -> bool:
    """Partners integrate through webhooks, and staff; others have no endpoints."""
    return user.is_authenticated and user.is_active and (user.is_staff or user.is_partner_member)
