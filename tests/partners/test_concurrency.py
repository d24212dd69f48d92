"""Writes of the partner directory that race: real threads, each on its own PostgreSQL
connection and transaction.

A pause after the read that a check relies on widens the window between check and write, so
each race happens on every run rather than now and then.
"""

import threading
import time
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from partners import services
from partners.models import CollaborationProject, Invitation, Membership
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAUSE = 0.3


@contextmanager
def pause_after_reading(table: str):
    """On this thread's connection, sleep after every statement that reads `table`."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in sql:
            time.sleep(PAUSE)
        return result

    with connection.execute_wrapper(wrapper):
        yield


def run_at_once(calls, *, pause_on: str) -> list[str]:
    """Start every call at the same moment; each outcome is "ok" or the exception's name."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            with pause_after_reading(pause_on):
                call()
            outcomes.append("ok")
        except (PermissionDenied, ValidationError) as error:
            outcomes.append(type(error).__name__)
        except Exception as error:  # an IntegrityError here is the 500 the service must not give
            outcomes.append(f"unexpected {type(error).__name__}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_two_owners_removing_each_other_at_once_leave_one_owner():
    ada, bo = UserFactory(), UserFactory()
    partner = PartnerFactory(owners=[ada, bo])
    ada_membership = Membership.objects.get(user=ada)
    bo_membership = Membership.objects.get(user=bo)

    outcomes = run_at_once(
        [
            lambda: services.membership_remove(membership=bo_membership, by=ada),
            lambda: services.membership_remove(membership=ada_membership, by=bo),
        ],
        pause_on="partners_membership",
    )

    # The second finds it was removed meanwhile, so it is no owner any more.
    assert outcomes == ["PermissionDenied", "ok"]
    assert Membership.objects.filter(partner=partner, role=Membership.Role.OWNER).count() == 1


def test_two_owners_leaving_at_once_leave_one_owner():
    ada, bo = UserFactory(), UserFactory()
    partner = PartnerFactory(owners=[ada, bo])
    memberships = {m.user_id: m for m in Membership.objects.filter(partner=partner)}

    outcomes = run_at_once(
        [
            lambda: services.membership_remove(membership=memberships[ada.pk], by=ada),
            lambda: services.membership_remove(membership=memberships[bo.pk], by=bo),
        ],
        pause_on="partners_membership",
    )

    assert outcomes == ["ValidationError", "ok"]  # "An organisation needs at least one owner."
    assert Membership.objects.filter(partner=partner, role=Membership.Role.OWNER).count() == 1


def test_two_owners_inviting_the_same_address_at_once_get_one_invitation_and_a_field_error():
    ada, bo = UserFactory(), UserFactory()
    partner = PartnerFactory(owners=[ada, bo])

    outcomes = run_at_once(
        [
            lambda by=by: services.invitation_create(
                partner=partner, email="New@Example.com", invited_by=by
            )
            for by in (ada, bo)
        ],
        pause_on="partners_invitation",
    )

    assert outcomes == ["ValidationError", "ok"]
    assert Invitation.objects.filter(partner=partner).count() == 1


def test_two_projects_with_one_title_created_at_once_get_two_slugs():
    admin = staff()
    partner = PartnerFactory()
    fields = {"kind": "joint_rnd", "summary": "Pilot cells.", "title": "Solid-state cells"}

    outcomes = run_at_once(
        [
            lambda: services.project_create(created_by=admin, partners=[partner], **fields)
            for _ in range(2)
        ],
        pause_on="partners_collaborationproject",
    )

    assert outcomes == ["ok", "ok"]
    slugs = set(CollaborationProject.objects.values_list("slug", flat=True))
    assert slugs == {"solid-state-cells", "solid-state-cells-2"}
