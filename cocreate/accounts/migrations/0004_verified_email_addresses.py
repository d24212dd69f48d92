"""Accounts made before e-mail verification count as verified: each gets its address as its
verified primary EmailAddress (allauth), so nothing changes for them."""

from django.db import migrations


def verify_existing_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    has_one = EmailAddress.objects.values_list("user_id", flat=True)
    users = User.objects.exclude(email="").exclude(pk__in=has_one).only("pk", "email")
    EmailAddress.objects.bulk_create(
        (
            EmailAddress(user_id=user.pk, email=user.email.lower(), primary=True, verified=True)
            for user in users.iterator(chunk_size=2000)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(verify_existing_addresses, migrations.RunPython.noop),
    ]
