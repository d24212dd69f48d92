"""Scale data of the designers: who designs which product, and every generated post's trending
score, stored as the surfacing job would have (after the service desk linked its tickets)."""

from cocreate.core.bulkload import ScaleContext, copy_rows, execute
from community.models import Post

from .consistency import expected_scores_sql
from .models import ProductTeam


def generate(ctx: ScaleContext) -> None:
    designers = ctx.made["designers"]
    rows = [
        (ctx.start, product.pk, designers[index % len(designers)])
        for index, product in enumerate(ctx.made["products"])
    ]
    copy_rows(ctx, ProductTeam, ["created_at", "product_id", "user_id"], rows)


def finish(ctx: ScaleContext) -> None:
    posts = ctx.made.get("posts")
    if not posts:
        return
    expected, params = expected_scores_sql("p.id >= %(first)s")
    execute(
        f"""
        UPDATE {Post._meta.db_table} p SET trending_score = e.expected, score_updated_at = %(now)s
        FROM ({expected}) e WHERE e.id = p.id
        """,
        {**params, "first": posts[0].id, "now": ctx.now},
    )
