"""The SLA policies a new deployment starts with, created in a database without any policy
(service_desk/sla_defaults.py). Reversing keeps them: tickets point at them, and staff may have
edited them since."""

from django.db import migrations

from service_desk.sla_defaults import default_policies_create


def create_default_policies(apps, schema_editor):
    default_policies_create(model=apps.get_model("service_desk", "SlaPolicy"))


class Migration(migrations.Migration):
    dependencies = [("service_desk", "0006_timestamps_read_the_clock")]

    operations = [migrations.RunPython(create_default_policies, migrations.RunPython.noop)]
