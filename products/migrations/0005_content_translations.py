"""The catalog's texts in every site language (products/translation.py, docs/i18n.md): a column
per language beside each text, the English one filled from the text so far. The search vector
reads every language's columns; a generated column cannot be altered in place, so it is dropped
(with its GIN index) and added again."""

import cocreate.core.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.db import migrations, models


def fill_english(apps, schema_editor):
    """Every row's text so far is its English version."""
    apps.get_model('products', 'ProductLine').objects.update(name_en=models.F('name'), description_en=models.F('description'))
    apps.get_model('products', 'Product').objects.update(name_en=models.F('name'), description_en=models.F('description'), specs_en=models.F('specs'))
    apps.get_model('products', 'Part').objects.update(name_en=models.F('name'), description_en=models.F('description'))
    apps.get_model('products', 'ValueAddedService').objects.update(name_en=models.F('name'), terms_en=models.F('terms'))


class Migration(migrations.Migration):

    dependencies = [
        ('products', '0004_search_chinese'),
    ]

    operations = [
        migrations.AddField(
            model_name='part',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='part',
            name='description_zh_hans',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='part',
            name='name_en',
            field=models.CharField(max_length=150, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='part',
            name='name_zh_hans',
            field=models.CharField(max_length=150, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='product',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='product',
            name='description_zh_hans',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='product',
            name='name_en',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='product',
            name='name_zh_hans',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='product',
            name='specs_en',
            field=models.JSONField(blank=True, default=dict, null=True, verbose_name='specifications'),
        ),
        migrations.AddField(
            model_name='product',
            name='specs_zh_hans',
            field=models.JSONField(blank=True, default=dict, null=True, verbose_name='specifications'),
        ),
        migrations.AddField(
            model_name='productline',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='productline',
            name='description_zh_hans',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='productline',
            name='name_en',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='productline',
            name='name_zh_hans',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valueaddedservice',
            name='name_en',
            field=models.CharField(max_length=150, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valueaddedservice',
            name='name_zh_hans',
            field=models.CharField(max_length=150, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valueaddedservice',
            name='terms_en',
            field=models.TextField(blank=True, null=True, verbose_name='terms'),
        ),
        migrations.AddField(
            model_name='valueaddedservice',
            name='terms_zh_hans',
            field=models.TextField(blank=True, null=True, verbose_name='terms'),
        ),
        migrations.RunPython(fill_english, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name='product', name='product_search_idx'),
        migrations.RemoveField(model_name='product', name='search_vector'),
        migrations.AddField(
            model_name='product',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector(cocreate.core.search.SpacedHan('name_en'), cocreate.core.search.SpacedHan('name_zh_hans'), 'model_number', config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector(cocreate.core.search.SpacedHan('description_en'), cocreate.core.search.SpacedHan('description_zh_hans'), config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector(cocreate.core.search.SpacedHan(django.db.models.functions.comparison.Cast('specs_en', models.TextField())), cocreate.core.search.SpacedHan(django.db.models.functions.comparison.Cast('specs_zh_hans', models.TextField())), config='english', weight='C'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='product',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='product_search_idx'),
        ),
        migrations.AddIndex(
            model_name='part',
            index=models.Index(fields=['kind', 'name_en'], name='part_kind_name_idx-en'),
        ),
        migrations.AddIndex(
            model_name='part',
            index=models.Index(fields=['kind', 'name_zh_hans'], name='part_kind_name_idx-zh-hans'),
        ),
    ]
