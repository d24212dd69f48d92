"""The fixed vocabularies of the directory: capabilities, certifications and named regions.

They are validated lists rather than free tags: a directory is only filterable when everyone
uses the same words, and an unknown capability is a validation error, not a new facet.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class Capability(models.TextChoices):
    CONTRACT_MANUFACTURING = "contract_manufacturing", _("Contract manufacturing")
    INJECTION_MOULDING = "injection_moulding", _("Injection moulding")
    CNC_MACHINING = "cnc_machining", _("CNC machining")
    DIE_CASTING = "die_casting", _("Die casting")
    SHEET_METAL = "sheet_metal", _("Sheet metal")
    PCB_ASSEMBLY = "pcb_assembly", _("PCB assembly")
    SEMICONDUCTORS = "semiconductors", _("Semiconductors")
    BATTERY_CELLS = "battery_cells", _("Battery cells and packs")
    DISPLAYS = "displays", _("Display panels")
    OPTICS = "optics", _("Optics and camera modules")
    ACOUSTICS = "acoustics", _("Acoustics and speakers")
    RF_ANTENNAS = "rf_antennas", _("RF and antennas")
    PACKAGING = "packaging", _("Packaging")
    FIRMWARE = "firmware", _("Embedded firmware")
    MOBILE_APPS = "mobile_apps", _("Mobile apps")
    CLOUD_IOT = "cloud_iot", _("Cloud and IoT platforms")
    AI_ML = "ai_ml", _("AI and machine learning")
    INDUSTRIAL_DESIGN = "industrial_design", _("Industrial design")
    TESTING = "testing", _("Testing and certification")
    MATERIALS_RESEARCH = "materials_research", _("Materials research")
    RECYCLING = "recycling", _("Recycling and refurbishment")
    WAREHOUSING = "warehousing", _("Warehousing")
    FREIGHT_FORWARDING = "freight_forwarding", _("Freight forwarding")
    CUSTOMS_BROKERAGE = "customs_brokerage", _("Customs brokerage")
    LAST_MILE = "last_mile", _("Last-mile delivery")
    REVERSE_LOGISTICS = "reverse_logistics", _("Reverse logistics")
    CONSUMER_FINANCING = "consumer_financing", _("Consumer financing")
    INSURANCE = "insurance", _("Device insurance")
    LEASING = "leasing", _("Leasing and rental")
    PAYMENTS = "payments", _("Payments")
    TRAINING = "training", _("Training and education")


class Certification(models.TextChoices):
    ISO_9001 = "iso_9001", "ISO 9001"
    IATF_16949 = "iatf_16949", "IATF 16949"
    ISO_14001 = "iso_14001", "ISO 14001"
    ISO_45001 = "iso_45001", "ISO 45001"
    ISO_27001 = "iso_27001", "ISO/IEC 27001"
    ISO_13485 = "iso_13485", "ISO 13485"
    ISO_50001 = "iso_50001", "ISO 50001"
    ROHS = "rohs", "RoHS"
    REACH = "reach", "REACH"
    CE = "ce", _("CE marking")
    FCC = "fcc", "FCC"
    UL = "ul", "UL"
    CCC = "ccc", "CCC"
    TAPA_FSR = "tapa_fsr", "TAPA FSR"
    AEO = "aeo", _("Authorised Economic Operator")
    PCI_DSS = "pci_dss", "PCI DSS"
    SOC_2 = "soc_2", "SOC 2"


class Region(models.TextChoices):
    """Named regions a partner may serve besides single countries; lower case, unlike ISO codes."""

    GLOBAL = "global", _("Worldwide")
    EU = "eu", _("European Union")
    DACH = "dach", _("Germany, Austria, Switzerland")
    NORDICS = "nordics", _("Nordics")
    NORTH_AMERICA = "north_america", _("North America")
    LATIN_AMERICA = "latin_america", _("Latin America")
    APAC = "apac", _("Asia-Pacific")
    ASEAN = "asean", _("South-East Asia")
    GREATER_CHINA = "greater_china", _("Greater China")
    MIDDLE_EAST_AFRICA = "middle_east_africa", _("Middle East and Africa")


_EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]

REGION_COUNTRIES: dict[str, frozenset[str]] = {
    Region.EU: frozenset(_EU),
    Region.DACH: frozenset({"DE", "AT", "CH"}),
    Region.NORDICS: frozenset({"DK", "FI", "IS", "NO", "SE"}),
    Region.NORTH_AMERICA: frozenset({"US", "CA", "MX"}),
    Region.LATIN_AMERICA: frozenset(
        {"AR", "BO", "BR", "CL", "CO", "CR", "EC", "GT", "MX", "PA", "PE", "PY", "UY", "VE"}
    ),
    Region.APAC: frozenset(
        {"AU", "CN", "HK", "ID", "IN", "JP", "KR", "MO", "MY", "NZ", "PH", "SG", "TH", "TW", "VN"}
    ),
    Region.ASEAN: frozenset({"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}),
    Region.GREATER_CHINA: frozenset({"CN", "HK", "MO", "TW"}),
    Region.MIDDLE_EAST_AFRICA: frozenset(
        {"AE", "EG", "IL", "KE", "MA", "NG", "QA", "SA", "TR", "ZA"}
    ),
}


def is_area_code(code: str) -> bool:
    """A code a partner may serve: an ISO 3166 country code or one of our named regions."""
    return code in Region.values or code in countries


def area_name(code: str) -> str:
    if code in Region.values:
        return str(Region(code).label)
    return str(countries.name(code)) or code


def areas_serving(code: str) -> list[str]:
    """The served-area codes that cover `code`: itself, each region containing it, worldwide."""
    if code == Region.GLOBAL:
        return [Region.GLOBAL]
    covering = [code, Region.GLOBAL]
    if code in Region.values:
        return covering
    covering += [region for region, members in REGION_COUNTRIES.items() if code in members]
    return covering


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: named regions first, then every country by name."""
    return [
        (_("Regions"), list(Region.choices)),
        (_("Countries"), [(code, name) for code, name in countries]),
    ]
