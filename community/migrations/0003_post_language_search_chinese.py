"""Posts record their language; the search vector indexes each Han character as a token.

A generated column cannot be altered in place: it is dropped (with its GIN index) and added
again, which recomputes it for every row.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

import cocreate.core.search
from cocreate.core.i18n import detect_language


def detect_languages(apps, schema_editor):
    Post = apps.get_model("community", "Post")
    han = f"[{cocreate.core.search.HAN_CHARACTERS}]"
    rows = Post.objects.filter(models.Q(title__regex=han) | models.Q(body__regex=han))
    for post in rows.only("id", "title", "body").iterator(chunk_size=500):
        language = detect_language(f"{post.title}\n{post.body}")
        if language != "en":
            Post.objects.filter(pk=post.pk).update(language=language)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_post_trending_score"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("zh-hans", "Simplified Chinese")],
                default="en",
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(detect_languages, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="post", name="post_search_idx"),
        migrations.RemoveField(model_name="post", name="search_vector"),
        migrations.AddField(
            model_name="post",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        cocreate.core.search.SpacedHan("title"), config="english", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        cocreate.core.search.SpacedHan("body"), config="english", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="post_search_idx"
            ),
        ),
    ]
