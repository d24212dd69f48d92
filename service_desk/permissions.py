"""Who may do what at the desk: agents and staff work every ticket, customers only their own."""


def is_desk_agent(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_agent))


def can_view_ticket(user, ticket) -> bool:
    return is_desk_agent(user) or (user.is_authenticated and ticket.customer_id == user.pk)
