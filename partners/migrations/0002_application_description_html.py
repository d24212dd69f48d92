from django.db import migrations, models


def render_existing(apps, schema_editor):
    from cocreate.core.markup import render_markdown

    Application = apps.get_model("partners", "Application")
    for application in Application.objects.exclude(description="").only("pk", "description"):
        application.description_html = render_markdown(application.description)
        application.save(update_fields=["description_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="description_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
