"""Staff assign roles in the Django admin: a role is a group on the user's change form."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.accounts.roles import Role
from tests.factories.accounts import UserFactory, staff

pytestmark = pytest.mark.django_db


def _change_form_data(response) -> dict:
    """What the browser would send back: every field of the form as it is shown."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif hasattr(field.widget, "widgets"):  # split date and time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def test_staff_give_a_customer_the_agent_role_on_the_user_change_form(client):
    customer = UserFactory(username="carol")
    agent_group, _ = Group.objects.get_or_create(name=Role.AGENT)
    client.force_login(staff())
    url = reverse("admin:accounts_user_change", args=[customer.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "groups" in form_page.context["adminform"].form.fields

    data = _change_form_data(form_page)
    data["groups"] = [*data.get("groups", []), str(agent_group.pk)]
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    carol = User.objects.get(pk=customer.pk)
    assert carol.is_agent and carol.is_customer
    assert carol.has_role(Role.AGENT)
    # The list shows the roles by their names.
    listing = client.get(reverse("admin:accounts_user_changelist"), {"q": "carol"})
    assert "Customer, Support agent" in listing.content.decode()


def test_staff_take_a_role_away(client):
    agent = UserFactory(username="victor", role=Role.AGENT)
    client.force_login(staff())
    url = reverse("admin:accounts_user_change", args=[agent.pk])

    data = _change_form_data(client.get(url))
    data["groups"] = []
    assert client.post(url, data).status_code == 302

    assert not User.objects.get(pk=agent.pk).is_agent


def test_non_staff_cannot_open_the_user_admin(client):
    client.force_login(UserFactory(role=Role.AGENT))

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
