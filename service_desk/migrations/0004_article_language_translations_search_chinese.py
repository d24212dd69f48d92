"""Articles record their language and may be translations of an original; the search vectors
of tickets and articles index each Han character as a token.

A generated column cannot be altered in place: it is dropped (with its GIN index) and added
again, which recomputes it for every row.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

import cocreate.core.search
from cocreate.core.i18n import detect_language


def _vector(first: str, second: str):
    return models.GeneratedField(
        db_persist=True,
        expression=django.contrib.postgres.search.CombinedSearchVector(
            django.contrib.postgres.search.SearchVector(
                cocreate.core.search.SpacedHan(first), config="english", weight="A"
            ),
            "||",
            django.contrib.postgres.search.SearchVector(
                cocreate.core.search.SpacedHan(second), config="english", weight="B"
            ),
            django.contrib.postgres.search.SearchConfig("english"),
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
    )


def detect_languages(apps, schema_editor):
    Article = apps.get_model("service_desk", "KnowledgeArticle")
    han = f"[{cocreate.core.search.HAN_CHARACTERS}]"
    rows = Article.objects.filter(models.Q(title__regex=han) | models.Q(body__regex=han))
    for article in rows.only("id", "title", "body").iterator(chunk_size=500):
        language = detect_language(f"{article.title}\n{article.body}")
        if language != "en":
            Article.objects.filter(pk=article.pk).update(language=language)


class Migration(migrations.Migration):
    dependencies = [
        ("service_desk", "0003_ticket_linked_post"),
    ]

    operations = [
        migrations.AddField(
            model_name="knowledgearticle",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("zh-hans", "Simplified Chinese")],
                default="en",
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="translation_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="translations",
                to="service_desk.knowledgearticle",
                verbose_name="translation of",
            ),
        ),
        migrations.RunPython(detect_languages, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="knowledgearticle",
            constraint=models.UniqueConstraint(
                fields=("translation_of", "language"),
                name="article_one_translation_per_language",
                violation_error_message="This article already has a version in this language.",
            ),
        ),
        migrations.AddConstraint(
            model_name="knowledgearticle",
            constraint=models.CheckConstraint(
                condition=models.Q(("translation_of", models.F("pk")), _negated=True),
                name="article_not_translation_of_itself",
            ),
        ),
        migrations.RemoveIndex(model_name="knowledgearticle", name="article_search_gin"),
        migrations.RemoveField(model_name="knowledgearticle", name="search_vector"),
        migrations.AddField(
            model_name="knowledgearticle", name="search_vector", field=_vector("title", "body")
        ),
        migrations.AddIndex(
            model_name="knowledgearticle",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_gin"
            ),
        ),
        migrations.RemoveIndex(model_name="ticket", name="ticket_search_gin"),
        migrations.RemoveField(model_name="ticket", name="search_vector"),
        migrations.AddField(
            model_name="ticket", name="search_vector", field=_vector("subject", "description")
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="ticket_search_gin"
            ),
        ),
    ]
