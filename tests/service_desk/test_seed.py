import io

import pytest
from django.urls import reverse

from cocreate.accounts import seed as accounts_seed
from products import seed as products_seed
from service_desk import seed as desk_seed
from service_desk.models import (
    CannedResponse,
    KnowledgeArticle,
    Macro,
    Mailbox,
    SavedView,
    Shipment,
    SlaPolicy,
    SlaState,
    Ticket,
    TriggerRule,
)

pytestmark = pytest.mark.django_db


def run_seeds():
    out = io.StringIO()
    accounts_seed.seed(out)
    products_seed.seed(out)
    desk_seed.seed(out)
    return out.getvalue()


def test_seed_holds_tickets_in_every_state_and_is_idempotent():
    run_seeds()

    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == set(Ticket.Status.values)
    owners = set(Ticket.objects.values_list("customer__username", flat=True))
    assert owners == {"alice", "bob", "li"}  # li writes in Chinese
    assert Ticket.objects.filter(sla_state=SlaState.BREACHED, escalated_at__isnull=False).exists()
    assert Ticket.objects.filter(sla_state=SlaState.AT_RISK).exists()
    assert Ticket.objects.filter(csat_score__isnull=False).count() == 2
    assert Ticket.objects.filter(messages__internal=True).exists()
    assert Shipment.objects.count() == 2
    assert KnowledgeArticle.objects.filter(status="published").count() == 12
    # Six of them are the Chinese versions of the six English articles.
    chinese = KnowledgeArticle.objects.filter(language="zh-hans", translation_of__language="en")
    assert chinese.count() == 6
    assert CannedResponse.objects.count() == 4
    # Every demo macro passes its own checks (known placeholders among them).
    macros = list(Macro.objects.prefetch_related("add_tags"))
    assert len(macros) == 4
    for macro in macros:
        macro.full_clean()
    repair = Macro.objects.get(title="Warranty repair: send the unit in")
    assert {tag.name for tag in repair.add_tags.all()} == {"warranty", "repair"}
    assert SlaPolicy.objects.count() == 5

    # The demo history reads in order: filed first, then the rest of the story.
    old = Ticket.objects.get(subject="Fan grinding noise under load")
    events = list(old.events.order_by("created_at", "id"))
    assert events[0].kind == "created"
    assert events[0].created_at == old.created_at
    assert events[-1].created_at > old.created_at

    support = Mailbox.objects.get()  # the demo mailbox, which the pipe feeds (docs/email.md)
    assert (support.name, support.address, support.product.slug) == (
        "support",
        "support@cocreate.example",
        "aurora-4",
    )

    counts = (Ticket.objects.count(), KnowledgeArticle.objects.count(), Shipment.objects.count())
    run_seeds()
    assert Mailbox.objects.count() == 1
    assert Macro.objects.count() == 4
    assert counts == (
        Ticket.objects.count(),
        KnowledgeArticle.objects.count(),
        Shipment.objects.count(),
    )


def test_seed_gives_the_desk_trigger_rules_and_shared_views_that_apply(client):
    run_seeds()

    assert set(TriggerRule.objects.values_list("name", flat=True)) == {
        "Battery trouble: tag and raise",
        "Logistics: tag",
    }
    views = list(SavedView.objects.filter(shared=True))
    assert {view.name for view in views} == {"Urgent and unassigned", "Battery"}
    client.force_login(views[0].owner)
    for view in views:  # every filter of a demo view is one the queue knows
        response = client.get(reverse("service_desk:desk_queue"), {"view": view.pk})
        assert response.status_code == 200
        assert response.context["view_errors"] == []

    run_seeds()
    assert (TriggerRule.objects.count(), SavedView.objects.count()) == (2, 2)


def test_seed_skips_what_is_missing():
    out = io.StringIO()
    accounts_seed.seed(out)  # no products

    desk_seed.seed(out)

    assert not Ticket.objects.exists()
    assert "skipped" in out.getvalue()
