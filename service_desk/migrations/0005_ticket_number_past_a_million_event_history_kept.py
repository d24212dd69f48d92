import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

# Ticket numbers: lpad(id::text, 6, '0') cut ids of seven digits to six (T-1000001 became
# T-100000, a duplicate), so every ticket after the millionth failed. PostgreSQL 15 cannot change
# a generated column's expression in place: the column is dropped and added again (recomputed).
NUMBER = models.GeneratedField(
    db_persist=True,
    expression=django.db.models.expressions.RawSQL(
        "'T-' || lpad(id::text, greatest(6, length(id::text)), '0')", ()
    ),
    output_field=models.CharField(max_length=20),
    verbose_name="number",
)

# The history refuses DELETE too, except of the events of a ticket deleted in the same
# transaction. Django cascades in Python (events first, then the ticket), so the check is
# deferred to the commit, when it can see whether the ticket went as well.
REFUSE_DELETE = """
CREATE FUNCTION service_desk_ticketevent_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM service_desk_ticket WHERE id = OLD.ticket_id) THEN
        RAISE EXCEPTION 'ticket events are append-only: delete the ticket to remove its history'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER service_desk_ticketevent_no_delete
    AFTER DELETE ON service_desk_ticketevent
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION service_desk_ticketevent_refuse_delete();
"""

ALLOW_DELETE = """
DROP TRIGGER IF EXISTS service_desk_ticketevent_no_delete ON service_desk_ticketevent;
DROP FUNCTION IF EXISTS service_desk_ticketevent_refuse_delete();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("service_desk", "0004_article_language_translations_search_chinese"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="ticket", name="ticket_unique_number"),
        migrations.RemoveField(model_name="ticket", name="number"),
        migrations.AddField(model_name="ticket", name="number", field=NUMBER),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.UniqueConstraint(fields=["number"], name="ticket_unique_number"),
        ),
        # The history keeps who acted: clearing the actor is an UPDATE the trigger refuses.
        migrations.AlterField(
            model_name="ticketevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.RunSQL(REFUSE_DELETE, ALLOW_DELETE),
    ]
