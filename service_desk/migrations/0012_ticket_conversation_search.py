"""The desk's search document: one row per ticket with its subject, description, public
replies and internal notes (service_desk/search_document.py keeps it up to date).

Existing tickets are filled in batches of BATCH tickets, each committed on its own (the
migration is not atomic), then the GIN index is built once over the filled table and the table analysed. Tickets
filed meanwhile by the old code are found by `manage.py check_consistency --fix`.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models, transaction

from cocreate.core.search import HAN_CHARACTERS

BATCH = 5_000

# As service_desk/search_document.py wrote it when this migration was made.
FILL = r"""
    INSERT INTO service_desk_ticketsearchdocument (ticket_id, document)
    SELECT t.id, t.search_vector
        || setweight(to_tsvector('english',
            regexp_replace(coalesce(m.public, ''), %(han)s, ' \1 ', 'g')), 'C')
        || setweight(to_tsvector('english',
            regexp_replace(coalesce(m.notes, ''), %(han)s, ' \1 ', 'g')), 'D')
    FROM service_desk_ticket t
    LEFT JOIN (
        SELECT ticket_id,
            left(string_agg(body, E'\n' ORDER BY id) FILTER (WHERE NOT internal), 100000)
                AS public,
            left(string_agg(body, E'\n' ORDER BY id) FILTER (WHERE internal), 100000) AS notes
        FROM service_desk_ticketmessage
        WHERE ticket_id BETWEEN %(first)s AND %(last)s
        GROUP BY ticket_id
    ) m ON m.ticket_id = t.id
    WHERE t.id BETWEEN %(first)s AND %(last)s
    ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
"""


def fill(apps, schema_editor):
    Ticket = apps.get_model("service_desk", "Ticket")
    connection = schema_editor.connection
    last = Ticket.objects.aggregate(last=models.Max("id"))["last"] or 0
    for first in range(1, last + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                FILL,
                {"han": f"([{HAN_CHARACTERS}])", "first": first, "last": first + BATCH - 1},
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("service_desk", "0011_carrier"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketSearchDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="service_desk.ticket",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="ticketsearchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["document"], name="ticket_document_gin"
            ),
        ),
        # The planner's statistics of the filled table, before the first search uses it.
        migrations.RunSQL("ANALYZE service_desk_ticketsearchdocument", migrations.RunSQL.noop),
    ]
