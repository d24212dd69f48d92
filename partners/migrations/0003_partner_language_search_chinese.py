"""Partner profiles record their language; the search vector indexes each Han character as a
token. A generated column cannot be altered in place: it is dropped (with its GIN index) and
added again, which recomputes it for every row."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

import cocreate.core.search
from cocreate.core.i18n import detect_language


def detect_languages(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    han = f"[{cocreate.core.search.HAN_CHARACTERS}]"
    rows = Partner.objects.filter(models.Q(name__regex=han) | models.Q(description__regex=han))
    for partner in rows.only("id", "name", "description").iterator(chunk_size=500):
        language = detect_language(f"{partner.name}\n{partner.description}")
        if language != "en":
            Partner.objects.filter(pk=partner.pk).update(language=language)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_application_description_html"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("zh-hans", "Simplified Chinese")],
                default="en",
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(detect_languages, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="partner", name="partner_search_gin"),
        migrations.RemoveField(model_name="partner", name="search_vector"),
        migrations.AddField(
            model_name="partner",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        cocreate.core.search.SpacedHan("name"), config="english", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        cocreate.core.search.SpacedHan("description"),
                        config="english",
                        weight="B",
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="partner",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="partner_search_gin"
            ),
        ),
    ]
