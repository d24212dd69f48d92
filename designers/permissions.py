"""Who may do what in the designers' workspace: designers (and staff) review and decide,
customers answer polls, the manufacturer's team reads their results."""

from cocreate.core.permissions import user_may


def may_design(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_designer or user.is_staff))


def may_answer_poll(user) -> bool:
    """Polls ask customers; the manufacturer's team (staff, agents, designers) sees the results."""
    return bool(user and user.is_authenticated and user.is_customer and not user.is_team_member)


def may_see_poll_results(user, *, answered: bool) -> bool:
    """A customer sees the results once they answered; the team sees them without answering."""
    return answered or bool(user and user.is_authenticated and user.is_team_member)


def may_open_desk_tickets(user) -> bool:
    """The desk's own rule (service_desk, a floor above, registers it): agents and staff open
    linked tickets; a designer may not open a customer's ticket, so it is listed without a link."""
    return user_may(user, "service_desk.desk")
