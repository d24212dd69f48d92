"""A deployment starts with SLA policies (migration 0007), and keeps the ones it set itself."""

from importlib import import_module

import pytest
from django.apps import apps

from service_desk.models import Category, Priority, SlaPolicy
from service_desk.sla_defaults import default_policies_create
from tests.factories.service_desk import file_ticket

pytestmark = pytest.mark.django_db


def test_the_migration_gives_a_new_database_the_default_policies(alice, product):
    # Given a database without policies, as migrate finds a new one
    SlaPolicy.objects.all().delete()

    # When migration 0007 runs, and a customer files a ticket
    migration = import_module("service_desk.migrations.0007_default_sla_policies")
    migration.create_default_policies(apps, None)
    ticket = file_ticket(alice, product, category=Category.LOGISTICS)

    # Then every priority has a policy, logistics its own, and the ticket got its targets
    policies = {(p.priority, p.category): p for p in SlaPolicy.objects.all()}
    assert set(policies) == {
        (Priority.URGENT, ""),
        (Priority.HIGH, ""),
        (Priority.NORMAL, ""),
        (Priority.LOW, ""),
        (Priority.NORMAL, Category.LOGISTICS),
    }
    assert policies[Priority.URGENT, ""].first_response_minutes == 30
    assert ticket.sla_policy == policies[Priority.NORMAL, Category.LOGISTICS]
    assert ticket.first_response_due_at is not None


def test_policies_a_deployment_set_itself_are_left_alone():
    # Given a deployment that keeps a single policy of its own
    SlaPolicy.objects.all().delete()
    own = SlaPolicy.objects.create(
        name="Everything",
        priority=Priority.NORMAL,
        first_response_minutes=60,
        resolution_minutes=600,
    )

    # When the defaults are asked for again (the demo seed does)
    created = default_policies_create()

    # Then nothing is added beside it, nor changed
    assert created == 0
    assert list(SlaPolicy.objects.values_list("pk", "first_response_minutes")) == [(own.pk, 60)]


def test_an_emptied_table_gets_the_defaults_again():
    SlaPolicy.objects.all().delete()

    assert default_policies_create() == 5
    assert SlaPolicy.objects.count() == 5
