"""A partner profile's prose (its description, the notes on what it supplies) in every site
language (partners/translation.py, docs/i18n.md): a
column per language, the English one filled from the text so far. The search vector reads every
language's description; a generated column cannot be altered in place, so it is dropped (with
its GIN index) and added again."""

import cocreate.core.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def fill_english(apps, schema_editor):
    """Every row's text so far is its English version."""
    apps.get_model('partners', 'Partner').objects.update(
        description_en=models.F('description'), description_html_en=models.F('description_html')
    )
    apps.get_model('partners', 'Supply').objects.update(note_en=models.F('note'))


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0004_partner_slug_not_reserved'),
    ]

    operations = [
        migrations.AddField(
            model_name='partner',
            name='description_en',
            field=models.TextField(blank=True, max_length=5000, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='partner',
            name='description_html_en',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='partner',
            name='description_html_zh_hans',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='partner',
            name='description_zh_hans',
            field=models.TextField(blank=True, max_length=5000, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='supply',
            name='note_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='supply',
            name='note_zh_hans',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='note'),
        ),
        migrations.RunPython(fill_english, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name='partner', name='partner_search_gin'),
        migrations.RemoveField(model_name='partner', name='search_vector'),
        migrations.AddField(
            model_name='partner',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector(cocreate.core.search.SpacedHan('name'), config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector(cocreate.core.search.SpacedHan('description_en'), cocreate.core.search.SpacedHan('description_zh_hans'), config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='partner',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='partner_search_gin'),
        ),
    ]
