import io

import pytest
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.accounts.seed import seed as seed_accounts
from partners import seed as partner_seed
from partners.models import CollaborationProject, Membership, Partner, PartnerKind, Supply
from products import seed as catalog_seed
from tests.factories.accounts import staff
from tests.factories.partners import ApplicationFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_seed_lists_partners_of_every_kind_across_borders_and_is_idempotent():
    out = io.StringIO()
    seed_accounts(out)
    catalog_seed.seed(out)

    partner_seed.seed(out)
    counts = (Partner.objects.count(), Supply.objects.count(), CollaborationProject.objects.count())
    partner_seed.seed(out)

    assert (Partner.objects.count(), Supply.objects.count()) == counts[:2]
    assert CollaborationProject.objects.count() == counts[2] >= 5
    assert counts[0] >= 30
    assert set(Partner.objects.values_list("kind", flat=True)) == set(PartnerKind.values)
    assert Partner.objects.values("country").distinct().count() >= 8
    assert counts[1] >= 15  # the catalog's parts found by SKU
    paul = User.objects.get(username="paul")
    membership = Membership.objects.get(user=paul)
    assert membership.role == Membership.Role.OWNER
    assert paul.is_partner_member
    for partner in Partner.objects.all():
        partner.full_clean()  # every capability, certification and region code is valid
    assert all(project.partners.exists() for project in CollaborationProject.objects.all())
    # The work in a project, once, in both languages.
    cells = CollaborationProject.objects.get(slug="solid-state-cells")
    assert set(cells.updates.values_list("language", flat=True)) == {"en", "zh-hans"}
    assert cells.milestones.filter(status="done").count() == 1
    assert (cells.updates.count(), cells.milestones.count()) == (2, 3)
    # paul's organisation is asked to join a project, once; one project is private.
    invitation = cells.invitations.get()
    assert (invitation.partner, invitation.status) == (membership.partner, "pending")
    assert not cells.partners.contains(membership.partner)
    assert CollaborationProject.objects.filter(is_public=False).count() == 1


def test_seed_without_a_catalog_skips_the_missing_parts():
    out = io.StringIO()

    partner_seed.seed(out)

    assert Partner.objects.count() >= 30
    assert not Supply.objects.exists()
    assert "skipped" in out.getvalue()


@pytest.mark.parametrize("model", ["partner", "application", "invitation", "collaborationproject"])
def test_staff_manage_partners_in_the_admin(client, model):
    PartnerFactory()
    ApplicationFactory()
    ProjectFactory(partners=[PartnerFactory()])
    client.force_login(staff())

    assert client.get(reverse(f"admin:partners_{model}_changelist"), {"q": "a"}).status_code == 200
    if model != "application":
        assert client.get(reverse(f"admin:partners_{model}_add")).status_code == 200


def test_staff_suspend_a_partner_from_the_admin(client):
    partner = PartnerFactory()
    client.force_login(staff())

    client.post(
        reverse("admin:partners_partner_changelist"),
        {"action": "suspend", "_selected_action": [partner.pk]},
    )

    partner.refresh_from_db()
    assert partner.status == Partner.Status.SUSPENDED
