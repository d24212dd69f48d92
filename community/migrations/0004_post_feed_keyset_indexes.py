"""Feed indexes for keyset pagination: every sort's columns with its tie-breakers, per product and
across products. Built CONCURRENTLY, so a large posts table keeps taking votes meanwhile."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("community", "0003_post_language_search_chinese"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="post", name="post_product_new_idx"),
        RemoveIndexConcurrently(model_name="post", name="post_product_top_idx"),
        RemoveIndexConcurrently(model_name="post", name="post_product_trending_idx"),
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(
                fields=["product", "-created_at", "-id"], name="post_product_new_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(
                fields=["product", "-vote_count", "-created_at", "-id"],
                name="post_product_top_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(
                fields=["product", "-trending_score", "-last_activity_at", "-id"],
                name="post_product_trending_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(fields=["-created_at", "-id"], name="post_new_idx"),
        ),
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(fields=["-vote_count", "-created_at", "-id"], name="post_top_idx"),
        ),
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(
                fields=["-trending_score", "-last_activity_at", "-id"], name="post_trending_idx"
            ),
        ),
    ]
