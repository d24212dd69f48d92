"""The queue's views: built in and saved (private or shared), each with its live count, all
counted in one query that uses indexes; a view whose filter no longer applies says so."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from products.models import Product
from service_desk import selectors, services
from service_desk.forms import QueueChoices, QueueFilterForm
from service_desk.models import Priority, SavedView, SlaState, Tag, Ticket
from service_desk.views.queue import BUILTIN_VIEWS, query_of, queue_filters
from tests.factories.accounts import staff
from tests.factories.products import ProductFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db
Status = Ticket.Status
QUEUE = reverse("service_desk:desk_queue")


def counts(response) -> dict[str, int]:
    return {view.name: view.count for view in response.context["views"]}


def test_the_built_in_views_count_what_they_show(client, sam, tina):
    now = timezone.now()
    TicketFactory(subject="Nobody's")
    TicketFactory(subject="Sam's at risk", assignee=sam, sla_state=SlaState.AT_RISK)
    TicketFactory(subject="Tina's breached", assignee=tina, sla_state=SlaState.BREACHED)
    TicketFactory(subject="Waiting", status=Status.PENDING_CUSTOMER, assignee=tina)
    TicketFactory(subject="Solved lately", status=Status.RESOLVED, resolved_at=now)
    TicketFactory(subject="Solved long ago", status=Status.CLOSED, closed_at=now - timedelta(30))
    client.force_login(sam)

    response = client.get(QUEUE)

    assert counts(response) == {
        "Unassigned": 1,
        "Mine": 1,
        "At risk": 1,
        "Breached": 1,
        "Waiting on the customer": 1,
        "Recently solved": 1,
    }
    solved = client.get(QUEUE, {"view": "solved"}).content.decode()
    assert "Solved lately" in solved and "Solved long ago" not in solved
    assert "Sam&#x27;s at risk" in client.get(QUEUE, {"view": "mine"}).content.decode()


def test_recently_solved_counts_a_ticket_resolved_or_closed_lately_either_way():
    now = timezone.now()
    long_ago = now - timedelta(30)
    TicketFactory(subject="Resolved lately", status=Status.RESOLVED, resolved_at=now)
    TicketFactory(subject="Closed lately", status=Status.CLOSED, closed_at=now)
    TicketFactory(
        subject="Resolved long ago, closed lately",
        status=Status.CLOSED,
        resolved_at=long_ago,
        closed_at=now,
    )
    TicketFactory(
        subject="Both long ago", status=Status.CLOSED, resolved_at=long_ago, closed_at=long_ago
    )
    TicketFactory(subject="Reopened", status=Status.OPEN, resolved_at=now)

    found = selectors.ticket_queue(selectors.QueueFilters(solved_days=7))

    assert {ticket.subject for ticket in found} == {
        "Resolved lately",
        "Closed lately",
        "Resolved long ago, closed lately",
    }


def test_an_agent_saves_a_view_and_sees_its_count_the_others_only_when_shared(
    client, sam, tina, product
):
    TicketFactory(subject="Urgent one", priority=Priority.URGENT, product=product)
    TicketFactory(subject="Urgent elsewhere", priority=Priority.URGENT)
    TicketFactory(subject="Normal one", product=product)
    client.force_login(sam)
    filters = f"priority={Priority.URGENT}&product={product.slug}&page=3&unknown=1"

    response = client.post(
        reverse("service_desk:desk_view_create"), {"name": "  Urgent  routers ", "filters": filters}
    )

    view = SavedView.objects.get()
    assert response.url == f"{QUEUE}?view={view.pk}"
    assert (view.name, view.owner, view.shared) == ("Urgent routers", sam, False)
    assert view.filters == {"priority": [str(Priority.URGENT)], "product": [product.slug]}
    page = client.get(response.url)
    assert counts(page)["Urgent routers"] == 1
    html = page.content.decode()
    assert "Urgent one" in html and "Urgent elsewhere" not in html
    # Private: Tina neither sees nor opens it, until Sam shares it.
    client.force_login(tina)
    assert "Urgent routers" not in counts(client.get(QUEUE))
    assert client.get(QUEUE, {"view": view.pk}).status_code == 404
    services.saved_view_update(view=view, actor=sam, shared=True)
    assert counts(client.get(QUEUE))["Urgent routers"] == 1


def test_a_second_view_of_the_same_name_is_refused_clearly(client, sam):
    client.force_login(sam)
    url = reverse("service_desk:desk_view_create")
    client.post(url, {"name": "Mine urgent", "filters": "priority=4"})

    response = client.post(url, {"name": "mine URGENT", "filters": "priority=3"}, follow=True)

    assert "You already have a view with this name." in response.content.decode()
    assert SavedView.objects.count() == 1


def test_views_are_renamed_and_deleted_by_their_owner_and_shared_ones_by_staff(client, sam, tina):
    view = services.saved_view_create(owner=sam, name="Routers", filters={}, shared=True)
    edit = reverse("service_desk:desk_view_edit", args=[view.pk])
    delete = reverse("service_desk:desk_view_delete", args=[view.pk])

    client.force_login(tina)
    assert client.post(edit, {"name": "Mine now"}).status_code == 403
    assert client.post(delete).status_code == 403
    client.force_login(sam)
    client.post(edit, {"name": "Routers, all", "shared": "on"})
    view.refresh_from_db()
    assert (view.name, view.shared) == ("Routers, all", True)
    client.force_login(staff(username="boss"))
    client.post(delete)
    assert not SavedView.objects.exists()
    private = services.saved_view_create(owner=sam, name="Mine", filters={})
    assert (
        client.post(reverse("service_desk:desk_view_delete", args=[private.pk])).status_code == 404
    )


def test_a_view_whose_filter_went_away_says_so_and_applies_the_rest(client, sam):
    gone = ProductFactory(slug="old-router")
    tag = Tag.objects.create(name="battery")
    TicketFactory(subject="Urgent one", priority=Priority.URGENT)
    TicketFactory(subject="Low one", priority=Priority.LOW)
    view = services.saved_view_create(
        owner=sam,
        name="Broken",
        filters={
            "priority": [str(Priority.URGENT)],
            "product": ["old-router"],
            "tag": ["battery"],
            "status": ["escalated"],
        },
    )
    Product.objects.filter(pk=gone.pk).delete()
    tag.delete()
    client.force_login(sam)

    response = client.get(QUEUE, {"view": view.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Part of this view no longer applies" in html
    errors = response.context["view_errors"]
    assert [error.split(":")[0] for error in errors] == ["Status", "Product", "Tag"]
    assert "Urgent one" in html and "Low one" not in html
    assert counts(response)["Broken"] == 1


def test_the_queue_filters_by_tag(client, sam):
    tagged, other = TicketFactory(subject="Swollen battery"), TicketFactory(subject="Hinge")
    services.ticket_tag(ticket=tagged, actor=sam, tags=services.tags_named(["Battery"]))
    client.force_login(sam)

    html = client.get(QUEUE, {"tag": "Battery"}).content.decode()

    assert tagged.subject in html and other.subject not in html


@pytest.mark.parametrize("saved", [1, 10])
def test_the_queue_with_its_views_runs_a_fixed_number_of_queries(
    client, sam, saved, django_assert_num_queries
):
    TicketFactory.create_batch(5)
    for number in range(saved):
        services.saved_view_create(
            owner=sam, name=f"View {number}", filters={"priority": [str(Priority.HIGH)]}
        )
    client.force_login(sam)

    with django_assert_num_queries(9):  # the page's count with the views' (one query)
        response = client.get(QUEUE, {"view": "unassigned"})
    assert len(counts(response)) == 6 + saved


def test_no_view_count_scans_the_whole_ticket_table(sam, tina):
    """A few thousand tickets, most of them long solved, as on a desk that ran for a while."""
    customer, product = sam, ProductFactory()
    long_ago = timezone.now() - timedelta(days=200)
    rows = [
        Ticket(
            customer=customer,
            product=product,
            category="technical_support",
            subject=f"Old {n}",
            description="x",
            status=Status.CLOSED,
            resolved_at=long_ago,
            closed_at=long_ago,
        )
        for n in range(4000)
    ]
    rows += [
        Ticket(
            customer=customer,
            product=product,
            category="technical_support",
            subject=f"Open {n}",
            description="x",
            assignee=tina if n % 2 else None,
            sla_state=[SlaState.ON_TRACK, SlaState.AT_RISK, SlaState.BREACHED][n % 3],
        )
        for n in range(100)
    ]
    Ticket.objects.bulk_create(rows, batch_size=1000)
    tag = services.tags_named(["battery"])[0]
    tag.tickets.add(*Ticket.objects.filter(subject__startswith="Open")[:10])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE service_desk_ticket")
        cursor.execute("ANALYZE service_desk_ticket_tags")
    choices = QueueChoices.load()

    def plan(filters) -> str:
        form = QueueFilterForm(query_of(filters), choices=choices)
        rows = selectors.ticket_queue(queue_filters(form), viewer=sam).order_by()
        sql, params = rows.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) AS counted", params)
            return "\n".join(line for (line,) in cursor.fetchall()) + "\n"

    whole_table = "Seq Scan on service_desk_ticket\n"
    assert whole_table in plan({"status": ["all"]}).replace("  ", "\n")  # what the check finds
    for filters in [filters for _key, _name, filters in BUILTIN_VIEWS] + [{"tag": ["battery"]}]:
        found = plan(filters)
        assert "Seq Scan on service_desk_ticket " not in found.replace("\n", " "), found
