"""Who sees which of the account's own places (the header's links and where people land)."""


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def shows_own_page(user) -> bool:
    """Customers, and people with no other place to work, are led to their own page."""
    if not (user and user.is_authenticated):
        return False
    return user.is_customer or not (user.is_staff or user.role_names)
