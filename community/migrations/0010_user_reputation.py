"""Each user's reputation total (UserReputation), kept by the reputation service from now on.

Existing ledgers are summed in batches of BATCH user ids, each committed on its own (the
migration is not atomic), through the ledger's (user, -created_at) index. Lines the old code
writes meanwhile are found by `manage.py check_consistency --fix`.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models, transaction

BATCH = 5_000

# As community/consistency.py sums it when this migration was made.
FILL = """
    INSERT INTO community_userreputation (user_id, points)
    SELECT user_id, sum(points) FROM community_reputationevent
    WHERE user_id BETWEEN %(first)s AND %(last)s
    GROUP BY user_id
    ON CONFLICT (user_id) DO UPDATE SET points = EXCLUDED.points
"""


def fill(apps, schema_editor):
    ReputationEvent = apps.get_model("community", "ReputationEvent")
    connection = schema_editor.connection
    last = ReputationEvent.objects.aggregate(last=models.Max("user_id"))["last"] or 0
    for first in range(1, last + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(FILL, {"first": first, "last": first + BATCH - 1})


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0005_personal_data_rights"),
        ("community", "0009_comment_edited_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserReputation",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="reputation",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                ("points", models.IntegerField(default=0, verbose_name="points")),
            ],
            options={
                "verbose_name": "reputation total",
                "verbose_name_plural": "reputation totals",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
