"""Demo catalog: four product lines, their generations, parts, services and owned units, as
products/seed_data/demo.toml lists them.

Idempotent: rows are found by their natural keys (slug, SKU, serial) and only created when
missing, so a second run changes nothing. Staff enter the catalog in the admin, which has no
service for it; the owned units go through `registration_create`, as customers' do.
"""

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.core.seed_data import demo_data, translated

from .models import Part, Product, ProductLine, Registration, ValueAddedService
from .services import registration_create


def _seed_lines(rows) -> dict[str, ProductLine]:
    lines = {}
    for position, row in enumerate(rows):
        lines[row["slug"]], _created = ProductLine.objects.get_or_create(
            slug=row["slug"],
            defaults={"position": position, **translated(row, "name", "description")},
        )
    return lines


def _seed_products(rows, lines: dict[str, ProductLine]) -> dict[str, Product]:
    products: dict[str, Product] = {}
    # Listed oldest generation first, so a predecessor always exists before its successor.
    for row in rows:
        products[row["slug"]], _created = Product.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "line": lines[row["line"]],
                "model_number": row["model_number"],
                "generation": row["generation"],
                "predecessor": products.get(row.get("predecessor")),
                "status": Product.Status(row["status"]),
                "launch_date": row.get("launch_date"),
                "illustration": row["illustration"],
                "warranty_months": row["warranty_months"],
                **translated(row, "name", "description", "specs"),
            },
        )
    return products


def _seed_parts(rows, products: dict[str, Product], currency: str) -> None:
    for row in rows:
        part, created = Part.objects.get_or_create(
            sku=row["sku"],
            defaults={
                "kind": Part.Kind(row["kind"]),
                "price": row["price"],
                "currency": currency,
                **translated(row, "name", "description"),
            },
        )
        if created:
            part.compatible_products.set([products[slug] for slug in row["fits"]])
            part.ships_in.set([products[slug] for slug in row.get("ships_in", [])])


def _seed_services(rows, products: dict[str, Product], currency: str) -> None:
    for row in rows:
        service, created = ValueAddedService.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "kind": ValueAddedService.Kind(row["kind"]),
                "price": row["price"],
                "currency": currency,
                "billing": ValueAddedService.Billing(row["billing"]),
                **translated(row, "name", "terms"),
            },
        )
        if created:
            service.products.set([products[slug] for slug in row["products"]])


def _seed_registrations(rows, products: dict[str, Product]) -> int:
    today = timezone.localdate()
    customers = User.objects.in_bulk([row["customer"] for row in rows], field_name="username")
    count = 0
    for row in rows:
        customer = customers.get(row["customer"])
        if customer is None:
            continue
        count += 1
        product = products[row["product"]]
        if Registration.objects.filter(
            product=product, serial_number=row["serial_number"]
        ).exists():
            continue
        registration_create(
            customer=customer,
            product=product,
            serial_number=row["serial_number"],
            purchased_on=max(today - relativedelta(months=row["months_ago"]), product.launch_date),
        )
    return count


def seed(out) -> None:
    data = demo_data(__file__)
    lines = _seed_lines(data["lines"])
    products = _seed_products(data["products"], lines)
    _seed_parts(data["parts"], products, data["currency"])
    _seed_services(data["services"], products, data["currency"])
    owned = _seed_registrations(data["registrations"], products)
    out.write(
        f"  products: {len(lines)} lines, {len(products)} products, {len(data['parts'])} parts, "
        f"{len(data['services'])} services, {owned} registered units"
    )
