import pytest
from django.urls import reverse

from service_desk import services
from service_desk.models import Category
from tests.factories.accounts import staff
from tests.factories.service_desk import CannedResponseFactory, KnowledgeArticleFactory

pytestmark = pytest.mark.django_db


def test_staff_can_open_every_service_desk_admin_page(client, alice, sam, product, policies):
    ticket = services.ticket_create(
        customer=alice,
        product=product,
        category=Category.LOGISTICS,
        subject="Parcel lost",
        description="Tracking stopped.",
    )
    services.ticket_reply(ticket=ticket, author=sam, body="Checking with the carrier.")
    shipment = services.shipment_create(
        ticket=ticket, actor=sam, direction="outbound", carrier="UPS", tracking_number="1Z999"
    )
    article = KnowledgeArticleFactory()
    canned = CannedResponseFactory()
    client.force_login(staff(username="root"))

    for model, obj in [
        ("ticket", ticket),
        ("shipment", shipment),
        ("knowledgearticle", article),
        ("cannedresponse", canned),
        ("slapolicy", policies[2]),
    ]:
        changelist = reverse(f"admin:service_desk_{model}_changelist")
        assert client.get(changelist).status_code == 200, model
        change = reverse(f"admin:service_desk_{model}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, model
    assert client.get(reverse("admin:service_desk_deflection_changelist")).status_code == 200
