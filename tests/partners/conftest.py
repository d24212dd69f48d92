import pytest

from partners.models import Partner, PartnerKind


def bulk_partners(count: int, **fields) -> None:
    """Insert `count` active partners in a few statements (the directory at scale)."""
    kinds = PartnerKind.values
    countries = ["DE", "CN", "US", "JP", "FR", "BR", "IN", "SG"]
    Partner.objects.bulk_create(
        [
            Partner(
                name=f"Bulk Partner {n:05d}",
                slug=f"bulk-partner-{n:05d}",
                kind=kinds[n % len(kinds)],
                country=countries[n % len(countries)],
                regions_served=["eu"] if n % 2 else ["apac"],
                capabilities=["pcb_assembly"] if n % 3 else ["optics", "testing"],
                certifications=["iso_9001"],
                verified=n % 4 == 0,
                status=Partner.Status.ACTIVE,
                description="Electronics manufacturing services and testing.",
                **fields,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


@pytest.fixture
def ten_thousand_partners(db):
    bulk_partners(10_000)
