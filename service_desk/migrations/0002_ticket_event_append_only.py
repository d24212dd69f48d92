from django.db import migrations

# The audit history is append-only: the database itself refuses to change a recorded event.
# (Deleting a whole ticket still removes its events through the foreign key's cascade.)
FORWARD = """
CREATE FUNCTION service_desk_ticketevent_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ticket events are append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER service_desk_ticketevent_append_only
    BEFORE UPDATE ON service_desk_ticketevent
    FOR EACH ROW EXECUTE FUNCTION service_desk_ticketevent_refuse_update();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS service_desk_ticketevent_append_only ON service_desk_ticketevent;
DROP FUNCTION IF EXISTS service_desk_ticketevent_refuse_update();
"""


class Migration(migrations.Migration):
    dependencies = [("service_desk", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
