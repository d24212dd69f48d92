"""Who may do what in the catalog."""


def may_release_products(user) -> bool:
    """Staff who may edit products release a generation (put it on sale, credit its ideas)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("products.change_product")
    )
