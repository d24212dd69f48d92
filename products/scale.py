"""Scale data: the demo catalog (13 products over 4 lines and several generations, parts,
services) and customers' registered units, which make them verified owners."""

import io
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from cocreate.core.bulkload import ScaleContext, copy_rows, recent_biased

from .models import Part, Product, Registration
from .seed import seed as seed_catalog

# Share of customers who registered 1, 2 or 3 units.
UNITS_PER_CUSTOMER = [(0, 40), (1, 42), (2, 14), (3, 4)]


def generate(ctx: ScaleContext) -> None:
    seed_catalog(io.StringIO())
    products = list(Product.objects.select_related("line").order_by("line__position", "id"))
    parts = {}
    for part in Part.objects.prefetch_related("compatible_products"):
        for product in part.compatible_products.all():
            parts.setdefault(product.pk, []).append(part.pk)
    ctx.made.update(products=products, parts_by_product=parts)
    owned = _registrations(ctx, products)
    ctx.made["owned"] = owned
    ctx.log(f"{len(products)} products, {sum(len(v) for v in owned.values()):,} registered units")


def popularity(product: Product) -> int:
    """How much a product's community and desk are used, by its lifecycle status."""
    return {
        Product.Status.ON_SALE: 10,
        Product.Status.DISCONTINUED: 4,
        Product.Status.IN_DEVELOPMENT: 3,
        Product.Status.CONCEPT: 1,
    }[product.status]


def _registrations(ctx: ScaleContext, products: list[Product]) -> dict[int, set[int]]:
    """Units owned by the customers: {customer id: {product id, …}}."""
    rng = ctx.rng
    registrable = [p for p in products if p.is_registrable]
    weights = [popularity(p) for p in registrable]
    counts, count_weights = zip(*UNITS_PER_CUSTOMER, strict=True)
    owned: dict[int, set[int]] = {}
    rows = []
    serial = 0
    for customer in ctx.made["customers"]:
        units = rng.choices(counts, weights=count_weights)[0]
        if not units or not registrable:
            continue
        chosen = {p.pk: p for p in rng.choices(registrable, weights=weights, k=units)}
        owned[customer] = set(chosen)
        for product in chosen.values():
            serial += 1
            registered = recent_biased(rng, ctx.start, ctx.now)
            bought = registered.date() - timedelta(days=rng.randint(0, 20))
            if product.launch_date and bought < product.launch_date:
                # Bought at launch at the earliest (the span may start before it).
                bought = product.launch_date
                registered = max(registered, ctx.now.replace(**_date_parts(bought)))
            rows.append(
                (
                    f"{product.model_number}-S{serial:07d}",
                    bought,
                    bought + relativedelta(months=product.warranty_months),
                    registered,
                    customer,
                    product.pk,
                )
            )
    copy_rows(
        ctx,
        Registration,
        [
            "serial_number",
            "purchased_on",
            "warranty_ends_on",
            "created_at",
            "customer_id",
            "product_id",
        ],
        rows,
    )
    return owned


def _date_parts(day) -> dict:
    return {"year": day.year, "month": day.month, "day": day.day}
