from django.db import migrations, models

# Every change of a ticket or a deflection marks its filing day (UTC) stale, in the change's own
# transaction and whichever code made it (a service, a bulk UPDATE, COPY, the admin). A ticket's
# update marks its day only when a column the metrics count changed (docs/service_desk.md).
COUNTED = [
    "created_at",
    "product_id",
    "category",
    "priority",
    "channel",
    "status",
    "sla_policy_id",
    "sla_breached_at",
    "first_response_due_at",
    "resolution_due_at",
    "paused_at",
    "paused_seconds",
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "csat_score",
]
OLD_COLUMNS = ", ".join(f"o.{column}" for column in COUNTED)
NEW_COLUMNS = ", ".join(f"n.{column}" for column in COUNTED)
DAY = "(created_at AT TIME ZONE 'UTC')::date"

FORWARD = f"""
CREATE FUNCTION service_desk_metrics_mark_rows() RETURNS trigger AS $$
BEGIN
    INSERT INTO service_desk_metricsstaleday (day)
    SELECT DISTINCT {DAY} FROM changed_rows ORDER BY 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION service_desk_metrics_mark_ticket_updates() RETURNS trigger AS $$
BEGIN
    INSERT INTO service_desk_metricsstaleday (day)
    SELECT DISTINCT day FROM (
        SELECT (o.created_at AT TIME ZONE 'UTC')::date, (n.created_at AT TIME ZONE 'UTC')::date
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE ROW({OLD_COLUMNS}) IS DISTINCT FROM ROW({NEW_COLUMNS})
    ) changed (old_day, new_day), LATERAL (VALUES (old_day), (new_day)) d (day)
    ORDER BY 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER service_desk_ticket_metrics_insert AFTER INSERT ON service_desk_ticket
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION service_desk_metrics_mark_rows();
CREATE TRIGGER service_desk_ticket_metrics_delete AFTER DELETE ON service_desk_ticket
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION service_desk_metrics_mark_rows();
CREATE TRIGGER service_desk_ticket_metrics_update AFTER UPDATE ON service_desk_ticket
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION service_desk_metrics_mark_ticket_updates();
CREATE TRIGGER service_desk_deflection_metrics_insert AFTER INSERT ON service_desk_deflection
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION service_desk_metrics_mark_rows();
CREATE TRIGGER service_desk_deflection_metrics_delete AFTER DELETE ON service_desk_deflection
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION service_desk_metrics_mark_rows();

-- The existing tickets and deflections: every day of theirs is computed by the next refresh
-- (the periodic task, the page for the days of its period, or `manage.py rebuild_desk_metrics`).
INSERT INTO service_desk_metricsstaleday (day)
SELECT {DAY} FROM service_desk_ticket UNION SELECT {DAY} FROM service_desk_deflection;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS service_desk_ticket_metrics_insert ON service_desk_ticket;
DROP TRIGGER IF EXISTS service_desk_ticket_metrics_delete ON service_desk_ticket;
DROP TRIGGER IF EXISTS service_desk_ticket_metrics_update ON service_desk_ticket;
DROP TRIGGER IF EXISTS service_desk_deflection_metrics_insert ON service_desk_deflection;
DROP TRIGGER IF EXISTS service_desk_deflection_metrics_delete ON service_desk_deflection;
DROP FUNCTION IF EXISTS service_desk_metrics_mark_rows();
DROP FUNCTION IF EXISTS service_desk_metrics_mark_ticket_updates();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("service_desk", "0014_saved_view"),
    ]

    operations = [
        migrations.CreateModel(
            name="MetricsStaleDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(db_index=True, verbose_name="day")),
            ],
            options={
                "verbose_name": "stale metrics day",
                "verbose_name_plural": "stale metrics days",
            },
        ),
        migrations.CreateModel(
            name="MetricsDayFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("all", "every ticket"),
                            ("category", "category"),
                            ("channel", "channel"),
                            ("product", "product"),
                            ("priority", "priority"),
                            ("csat", "satisfaction score"),
                            ("hour", "hour of the day"),
                            ("first_response", "first response time bucket"),
                            ("resolution", "resolution time bucket"),
                            ("deflection", "deflection"),
                        ],
                        max_length=16,
                        verbose_name="dimension",
                    ),
                ),
                ("key", models.CharField(blank=True, max_length=32, verbose_name="value")),
                ("tickets", models.PositiveIntegerField(default=0, verbose_name="tickets")),
                ("seconds", models.FloatField(default=0, verbose_name="seconds")),
                (
                    "sla_decided",
                    models.PositiveIntegerField(default=0, verbose_name="SLA outcome known"),
                ),
                ("sla_met", models.PositiveIntegerField(default=0, verbose_name="SLA met")),
            ],
            options={
                "verbose_name": "metrics day figure",
                "verbose_name_plural": "metrics day figures",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "dimension", "key"), name="metrics_day_figure_unique"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
