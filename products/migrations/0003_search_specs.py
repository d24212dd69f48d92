# Adds the specs to the product search vector. PostgreSQL cannot change a generated column's
# expression, so the column (and its GIN index) is dropped and created again.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('products', '0002_catalog_search_illustrations_billing'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='product', name='product_search_idx'),
        migrations.RemoveField(model_name='product', name='search_vector'),
        migrations.AddField(
            model_name='product',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('name', 'model_number', config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector('description', config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector(django.db.models.functions.comparison.Cast('specs', models.TextField()), config='english', weight='C'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='product',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='product_search_idx'),
        ),
    ]
