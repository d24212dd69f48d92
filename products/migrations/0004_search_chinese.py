"""The product search vector indexes each Han character as a token (docs/search.md).
A generated column cannot be altered in place: it is dropped (with its GIN index) and added
again, which recomputes it for every row."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.db import migrations, models

import cocreate.core.search


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0003_search_specs"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="product", name="product_search_idx"),
        migrations.RemoveField(model_name="product", name="search_vector"),
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            cocreate.core.search.SpacedHan("name"),
                            "model_number",
                            config="english",
                            weight="A",
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            cocreate.core.search.SpacedHan("description"),
                            config="english",
                            weight="B",
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        cocreate.core.search.SpacedHan(
                            django.db.models.functions.comparison.Cast("specs", models.TextField())
                        ),
                        config="english",
                        weight="C",
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="product_search_idx"
            ),
        ),
    ]
