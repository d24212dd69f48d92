import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from partners import logos
from partners.models import Partner, PartnerKind


def image_upload(
    name="logo.png", size=(800, 400), fmt="PNG", colour=(200, 30, 30)
) -> SimpleUploadedFile:
    """An uploaded image file, as a browser would post it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def assert_logo_stored_as_bounded_png(partner: Partner) -> None:
    """The partner's logo was re-encoded (`logos.logo_clean`): a PNG no larger than the limit."""
    partner.refresh_from_db()
    assert partner.logo.name.startswith("partners/logos/")
    assert partner.logo.name.endswith(".png")
    with Image.open(partner.logo.path) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) == logos.LOGO_MAX_SIDE


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
