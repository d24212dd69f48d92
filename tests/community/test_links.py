"""The contract through which the service desk, a floor above, links its tickets to posts."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from community.links import linked_tickets, register_linked_tickets
from community.models import PostPart
from service_desk.models import Ticket


def test_the_service_desk_registers_its_tickets():
    links = linked_tickets()

    assert links.model is Ticket
    assert (links.query_name, links.accessor) == ("linked_tickets", "linked_tickets")


def test_only_a_foreign_key_to_a_post_can_be_registered():
    with pytest.raises(ImproperlyConfigured):
        register_linked_tickets(PostPart._meta.get_field("part"))

    assert linked_tickets().model is Ticket
