"""Demo catalog: four product lines, their generations, parts, services and owned units.

Idempotent: rows are found by their natural keys (slug, SKU, serial) and only created when
missing, so a second run changes nothing.
"""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cocreate.accounts.models import User

from .models import Part, Product, ProductLine, Registration, ValueAddedService

LINES = [
    (
        "smartphones",
        "Aurora smartphones",
        "Phones designed with the people who use them: every generation adopts ideas from the "
        "Aurora community.",
    ),
    (
        "networking",
        "Beacon home networking",
        "Wi-Fi routers and mesh systems that cover a whole home without dead spots.",
    ),
    (
        "smart-speakers",
        "Sonata smart speakers",
        "Room-filling sound and a voice assistant that keeps your data at home.",
    ),
    (
        "pc-components",
        "Forge PC components",
        "Cases, power supplies, graphics cards, coolers and memory that combine into quiet, "
        "upgradeable builds.",
    ),
]

# slug, line, name, model number, generation, predecessor slug, status, launch, illustration,
# warranty months, description, specs
PRODUCTS = [
    (
        "aurora-1",
        "smartphones",
        "Aurora 1",
        "AUR-1-64",
        1,
        None,
        Product.Status.DISCONTINUED,
        date(2020, 9, 15),
        "phone",
        24,
        "The first Aurora: a compact 6.1-inch phone with a replaceable battery.",
        {
            "Display": "6.1″ LCD, 60 Hz",
            "Processor": "Octa-core 2.2 GHz",
            "Memory": "4 GB RAM, 64 GB storage",
            "Battery": "3,500 mAh, user-replaceable",
            "Weight": "172 g",
        },
    ),
    (
        "aurora-2",
        "smartphones",
        "Aurora 2",
        "AUR-2-128",
        2,
        "aurora-1",
        Product.Status.DISCONTINUED,
        date(2022, 3, 1),
        "phone",
        24,
        "OLED screen, a second camera and USB-C fast charging, asked for by the community.",
        {
            "Display": "6.3″ OLED, 90 Hz",
            "Processor": "Octa-core 2.6 GHz",
            "Memory": "6 GB RAM, 128 GB storage",
            "Battery": "4,000 mAh, 30 W charging",
            "Camera": "50 MP main, 12 MP ultra-wide",
            "Weight": "181 g",
        },
    ),
    (
        "aurora-3",
        "smartphones",
        "Aurora 3",
        "AUR-3-256",
        3,
        "aurora-2",
        Product.Status.ON_SALE,
        date(2024, 9, 10),
        "phone",
        24,
        "Our current phone: 120 Hz display, two-day battery and seven years of updates. The "
        "modular back plate came from an owner's modification.",
        {
            "Display": "6.4″ OLED, 120 Hz, 1,800 nits",
            "Processor": "Octa-core 3.1 GHz",
            "Memory": "8 GB RAM, 256 GB storage",
            "Battery": "5,000 mAh, 45 W charging, 15 W wireless",
            "Camera": "50 MP main, 48 MP ultra-wide, 12 MP 3× telephoto",
            "Water resistance": "IP68",
            "Software updates": "7 years",
            "Weight": "189 g",
        },
    ),
    (
        "aurora-4",
        "smartphones",
        "Aurora 4",
        "AUR-4-DEV",
        4,
        "aurora-3",
        Product.Status.IN_DEVELOPMENT,
        date(2027, 9, 1),
        "phone",
        24,
        "The next Aurora is being designed now. Ideas adopted from the community shape it: "
        "tell us what it should do better.",
        {"Target battery": "5,500 mAh", "Target weight": "under 185 g"},
    ),
    (
        "beacon-ax3000",
        "networking",
        "Beacon AX3000",
        "BCN-AX3000",
        1,
        None,
        Product.Status.DISCONTINUED,
        date(2021, 5, 4),
        "router",
        24,
        "Wi-Fi 6 dual-band router for apartments.",
        {
            "Wi-Fi": "Wi-Fi 6, dual band, 3,000 Mbit/s",
            "Ports": "4 × 1 GbE LAN, 1 × 1 GbE WAN",
            "Coverage": "up to 120 m²",
        },
    ),
    (
        "beacon-ax6000",
        "networking",
        "Beacon AX6000 Mesh",
        "BCN-AX6000",
        2,
        "beacon-ax3000",
        Product.Status.ON_SALE,
        date(2024, 2, 20),
        "router",
        36,
        "Tri-band Wi-Fi 6E mesh router with a 2.5 GbE port; add nodes to cover any home.",
        {
            "Wi-Fi": "Wi-Fi 6E, tri-band, 6,000 Mbit/s",
            "Ports": "1 × 2.5 GbE WAN, 3 × 1 GbE LAN",
            "Coverage": "up to 200 m² per node",
            "Mesh": "Beacon Mesh, up to 6 nodes",
        },
    ),
    (
        "beacon-be9000",
        "networking",
        "Beacon BE9000",
        "BCN-BE9000",
        3,
        "beacon-ax6000",
        Product.Status.CONCEPT,
        None,
        "router",
        36,
        "Wi-Fi 7 concept: multi-link operation and 10 GbE, explored with our research partners.",
        {},
    ),
    (
        "sonata-mini",
        "smart-speakers",
        "Sonata Mini",
        "SON-MINI-1",
        1,
        None,
        Product.Status.ON_SALE,
        date(2023, 4, 12),
        "speaker",
        24,
        "Compact smart speaker for the kitchen or the bedside table.",
        {
            "Drivers": "1 × 45 mm full-range",
            "Microphones": "3 far-field",
            "Connectivity": "Wi-Fi 5, Bluetooth 5.2",
        },
    ),
    (
        "sonata-one",
        "smart-speakers",
        "Sonata One",
        "SON-ONE-1",
        1,
        None,
        Product.Status.DISCONTINUED,
        date(2021, 10, 5),
        "speaker",
        24,
        "Our first full-size smart speaker with a fabric shell.",
        {
            "Drivers": "1 × 20 mm tweeter, 1 × 90 mm woofer",
            "Microphones": "4 far-field",
            "Connectivity": "Wi-Fi 5, Bluetooth 5.0",
        },
    ),
    (
        "sonata-two",
        "smart-speakers",
        "Sonata Two",
        "SON-TWO-2",
        2,
        "sonata-one",
        Product.Status.ON_SALE,
        date(2024, 10, 22),
        "speaker",
        24,
        "Stereo pairing, room calibration and an on-device assistant: nothing leaves your home.",
        {
            "Drivers": "2 × 20 mm tweeter, 1 × 100 mm woofer",
            "Microphones": "6 far-field",
            "Connectivity": "Wi-Fi 6, Bluetooth 5.3, Matter",
            "Power": "35 W",
        },
    ),
    (
        "forge-s1",
        "pc-components",
        "Forge S1 case",
        "FRG-S1-ATX",
        1,
        None,
        Product.Status.DISCONTINUED,
        date(2021, 2, 10),
        "pc-case",
        24,
        "Mid-tower ATX case with tool-free drive bays.",
        {"Form factor": "ATX mid-tower", "GPU clearance": "330 mm", "Fans included": "2 × 120 mm"},
    ),
    (
        "forge-s2",
        "pc-components",
        "Forge S2 case",
        "FRG-S2-ATX",
        2,
        "forge-s1",
        Product.Status.ON_SALE,
        date(2024, 6, 3),
        "pc-case",
        36,
        "Quiet mid-tower with a glass side panel, room for 360 mm radiators and long GPUs.",
        {
            "Form factor": "ATX mid-tower",
            "GPU clearance": "400 mm",
            "CPU cooler clearance": "170 mm",
            "Radiator support": "up to 360 mm (front)",
            "Fans included": "3 × 140 mm PWM",
        },
    ),
    (
        "forge-mini",
        "pc-components",
        "Forge Mini case",
        "FRG-M1-ITX",
        1,
        None,
        Product.Status.ON_SALE,
        date(2025, 3, 18),
        "pc-case",
        24,
        "11-litre Mini-ITX case for small, powerful builds.",
        {
            "Form factor": "Mini-ITX, 11 l",
            "GPU clearance": "310 mm, 2.5 slots",
            "CPU cooler clearance": "70 mm",
            "Power supply": "SFX",
        },
    ),
]

# sku, kind, name, price, description, compatible product slugs
PARTS = [
    # Aurora
    (
        "AUR-CHG-45",
        Part.Kind.ACCESSORY,
        "Aurora 45 W USB-C charger",
        "34.90",
        "GaN charger with a 1 m USB-C cable.",
        ["aurora-2", "aurora-3", "aurora-4"],
    ),
    (
        "AUR3-CASE-CLR",
        Part.Kind.ACCESSORY,
        "Aurora 3 clear case",
        "24.90",
        "Recycled, yellowing-resistant TPU case.",
        ["aurora-3"],
    ),
    (
        "AUR3-GLASS",
        Part.Kind.ACCESSORY,
        "Aurora 3 screen protector (2-pack)",
        "19.90",
        "Tempered glass with an alignment frame.",
        ["aurora-3"],
    ),
    (
        "AUR3-BAT",
        Part.Kind.SPARE_PART,
        "Aurora 3 battery",
        "39.90",
        "Genuine 5,000 mAh replacement battery, with adhesive strips.",
        ["aurora-3"],
    ),
    (
        "AUR3-SCR",
        Part.Kind.SPARE_PART,
        "Aurora 3 display assembly",
        "149.00",
        "OLED panel with frame, ready to fit.",
        ["aurora-3"],
    ),
    (
        "AUR3-BACK-MOD",
        Part.Kind.COMPONENT,
        "Aurora 3 modular back plate",
        "29.90",
        "Swappable back with a magnetic accessory rail.",
        ["aurora-3"],
    ),
    (
        "AUR2-BAT",
        Part.Kind.SPARE_PART,
        "Aurora 2 battery",
        "34.90",
        "Genuine 4,000 mAh replacement battery.",
        ["aurora-2"],
    ),
    (
        "AUR1-BAT",
        Part.Kind.SPARE_PART,
        "Aurora 1 battery",
        "24.90",
        "Clip-in 3,500 mAh battery: no tools needed.",
        ["aurora-1"],
    ),
    # Beacon
    (
        "BCN-NODE-6E",
        Part.Kind.ACCESSORY,
        "Beacon mesh node 6E",
        "149.00",
        "Extends a Beacon AX6000 network by up to 200 m².",
        ["beacon-ax6000"],
    ),
    (
        "BCN-WALL",
        Part.Kind.ACCESSORY,
        "Beacon wall mount",
        "14.90",
        "Screws and anchors included.",
        ["beacon-ax3000", "beacon-ax6000"],
    ),
    (
        "BCN-PSU-12V",
        Part.Kind.SPARE_PART,
        "Beacon 12 V power adapter",
        "19.90",
        "Replacement power adapter, EU plug.",
        ["beacon-ax3000", "beacon-ax6000"],
    ),
    # Sonata
    (
        "SON-STAND",
        Part.Kind.ACCESSORY,
        "Sonata wall bracket",
        "29.90",
        "Tilting bracket for Sonata Two and Sonata One.",
        ["sonata-one", "sonata-two"],
    ),
    (
        "SON-BATT-BASE",
        Part.Kind.ACCESSORY,
        "Sonata Mini battery base",
        "49.90",
        "Ten hours of music anywhere in the house.",
        ["sonata-mini"],
    ),
    (
        "SON2-FABRIC-SAGE",
        Part.Kind.SPARE_PART,
        "Sonata Two fabric cover, sage",
        "24.90",
        "Washable replacement cover.",
        ["sonata-two"],
    ),
    # Forge: components that combine into builds
    (
        "FRG-PSU-750G",
        Part.Kind.COMPONENT,
        "Forge 750 W power supply, 80+ Gold",
        "109.90",
        "Fully modular ATX 3.1 PSU with a native 12V-2x6 cable.",
        ["forge-s1", "forge-s2"],
    ),
    (
        "FRG-PSU-1000P",
        Part.Kind.COMPONENT,
        "Forge 1000 W power supply, 80+ Platinum",
        "189.00",
        "For high-end graphics cards; zero-fan mode under 40 % load.",
        ["forge-s2"],
    ),
    (
        "FRG-SFX-650",
        Part.Kind.COMPONENT,
        "Forge SFX 650 W power supply",
        "129.90",
        "Compact SFX unit for small builds.",
        ["forge-mini"],
    ),
    (
        "FRG-GPU-16G",
        Part.Kind.COMPONENT,
        "Forge graphics card, 16 GB",
        "649.00",
        "Triple-fan card, 320 mm long, 2.7 slots.",
        ["forge-s2"],
    ),
    (
        "FRG-GPU-12G-C",
        Part.Kind.COMPONENT,
        "Forge compact graphics card, 12 GB",
        "479.00",
        "Dual-fan card, 240 mm long, 2 slots: fits small cases.",
        ["forge-s1", "forge-s2", "forge-mini"],
    ),
    (
        "FRG-COOL-TWR",
        Part.Kind.COMPONENT,
        "Forge tower CPU cooler",
        "59.90",
        "Single-tower cooler, 158 mm tall, 140 mm fan.",
        ["forge-s1", "forge-s2"],
    ),
    (
        "FRG-AIO-360",
        Part.Kind.COMPONENT,
        "Forge 360 mm liquid cooler",
        "139.90",
        "All-in-one liquid cooler with three 120 mm fans.",
        ["forge-s2"],
    ),
    (
        "FRG-COOL-LP",
        Part.Kind.COMPONENT,
        "Forge low-profile CPU cooler",
        "44.90",
        "47 mm tall, for Mini-ITX builds.",
        ["forge-mini"],
    ),
    (
        "FRG-RAM-32-D5",
        Part.Kind.COMPONENT,
        "Forge 32 GB DDR5-6000 memory kit (2 × 16 GB)",
        "109.90",
        "CL30, low-profile heat spreaders.",
        ["forge-s1", "forge-s2", "forge-mini"],
    ),
    (
        "FRG-RAM-64-D5",
        Part.Kind.COMPONENT,
        "Forge 64 GB DDR5-6000 memory kit (2 × 32 GB)",
        "199.00",
        "CL30, for creators and virtual machines.",
        ["forge-s2", "forge-mini"],
    ),
    (
        "FRG-FAN-140-3",
        Part.Kind.ACCESSORY,
        "Forge 140 mm fans (3-pack)",
        "34.90",
        "Fluid-bearing PWM fans with daisy-chain cables.",
        ["forge-s1", "forge-s2"],
    ),
    (
        "FRG-S2-GLASS",
        Part.Kind.SPARE_PART,
        "Forge S2 glass side panel",
        "39.90",
        "Tempered glass panel with quick-release hinges.",
        ["forge-s2"],
    ),
]

# slug, kind, name, price, billing, terms, product slugs
SERVICES = [
    (
        "aurora-care-plus",
        ValueAddedService.Kind.EXTENDED_WARRANTY,
        "Aurora Care+ (2 extra years)",
        "79.00",
        ValueAddedService.Billing.ONE_OFF,
        "Extends the manufacturer's warranty by 24 months; battery replaced free below 80 % "
        "capacity.",
        ["aurora-2", "aurora-3"],
    ),
    (
        "aurora-theft-damage",
        ValueAddedService.Kind.INSURANCE,
        "Theft and accidental damage insurance",
        "6.99",
        ValueAddedService.Billing.MONTHLY,
        "Two claims a year, €49 excess per claim; cancel monthly. Underwritten by our insurance "
        "partner.",
        ["aurora-3"],
    ),
    (
        "aurora-3-financing",
        ValueAddedService.Kind.FINANCING,
        "Aurora 3 in 24 instalments, 0 % APR",
        "37.46",
        ValueAddedService.Billing.MONTHLY,
        "24 monthly payments, no interest, subject to a credit check by our financing partner.",
        ["aurora-3"],
    ),
    (
        "aurora-upgrade",
        ValueAddedService.Kind.UPGRADE_PROGRAMME,
        "Aurora Upgrade Programme",
        "9.99",
        ValueAddedService.Billing.MONTHLY,
        "Trade your Aurora in for the next generation after 12 months; we refurbish the old one.",
        ["aurora-2", "aurora-3", "aurora-4"],
    ),
    (
        "beacon-installation",
        ValueAddedService.Kind.INSTALLATION,
        "Beacon home installation",
        "89.00",
        ValueAddedService.Billing.ONE_OFF,
        "A technician places the router and nodes, measures coverage in every room and sets up "
        "your devices.",
        ["beacon-ax6000"],
    ),
    (
        "beacon-care",
        ValueAddedService.Kind.EXTENDED_WARRANTY,
        "Beacon Care (5 years)",
        "39.00",
        ValueAddedService.Billing.ONE_OFF,
        "Warranty extended to five years including next-business-day replacement.",
        ["beacon-ax6000"],
    ),
    (
        "sonata-care",
        ValueAddedService.Kind.EXTENDED_WARRANTY,
        "Sonata Care (1 extra year)",
        "19.00",
        ValueAddedService.Billing.ONE_OFF,
        "One more year of warranty, including the fabric cover.",
        ["sonata-mini", "sonata-two"],
    ),
    (
        "forge-rental",
        ValueAddedService.Kind.RENTAL,
        "Forge S2 ready-built PC rental",
        "59.00",
        ValueAddedService.Billing.MONTHLY,
        "A Forge S2 build with a 16 GB graphics card, minimum 3 months, swap for a newer build "
        "any time.",
        ["forge-s2"],
    ),
    (
        "forge-assembly",
        ValueAddedService.Kind.INSTALLATION,
        "Forge build assembly and testing",
        "79.00",
        ValueAddedService.Billing.ONE_OFF,
        "We assemble your parts, route the cables and run a 24-hour stress test.",
        ["forge-s1", "forge-s2", "forge-mini"],
    ),
]

# username, product slug, serial, months before today the unit was bought
REGISTRATIONS = [
    ("alice", "aurora-3", "AUR3-7F2K9Q41", 5),
    ("alice", "aurora-1", "AUR1-2B8C0D17", 50),
    ("alice", "beacon-ax6000", "BCNX6-00A3-9912", 11),
    ("bob", "aurora-2", "AUR2-5H1M4T88", 30),
    ("bob", "forge-s2", "FRGS2-4471-0021", 8),
    ("bob", "sonata-two", "SON2-88QW-1204", 2),
]


def _seed_lines() -> dict[str, ProductLine]:
    lines = {}
    for position, (slug, name, description) in enumerate(LINES):
        lines[slug], _created = ProductLine.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    return lines


def _seed_products(lines: dict[str, ProductLine]) -> dict[str, Product]:
    products: dict[str, Product] = {}
    # Listed oldest generation first, so a predecessor always exists before its successor.
    for (
        slug,
        line,
        name,
        model,
        generation,
        predecessor,
        status,
        launched,
        art,
        warranty,
        description,
        specs,
    ) in PRODUCTS:
        products[slug], _created = Product.objects.get_or_create(
            slug=slug,
            defaults={
                "line": lines[line],
                "name": name,
                "model_number": model,
                "generation": generation,
                "predecessor": products.get(predecessor) if predecessor else None,
                "status": status,
                "launch_date": launched,
                "illustration": art,
                "warranty_months": warranty,
                "description": description,
                "specs": specs,
            },
        )
    return products


def _seed_parts(products: dict[str, Product]) -> None:
    for sku, kind, name, price, description, fits in PARTS:
        part, created = Part.objects.get_or_create(
            sku=sku,
            defaults={
                "kind": kind,
                "name": name,
                "price": Decimal(price),
                "currency": "EUR",
                "description": description,
            },
        )
        if created:
            part.compatible_products.set([products[slug] for slug in fits])


def _seed_services(products: dict[str, Product]) -> None:
    for slug, kind, name, price, billing, terms, for_products in SERVICES:
        service, created = ValueAddedService.objects.get_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                "name": name,
                "price": Decimal(price),
                "currency": "EUR",
                "billing": billing,
                "terms": terms,
            },
        )
        if created:
            service.products.set([products[product] for product in for_products])


def _seed_registrations(products: dict[str, Product]) -> int:
    today = timezone.localdate()
    customers = User.objects.in_bulk([row[0] for row in REGISTRATIONS], field_name="username")
    count = 0
    for username, slug, serial, months_ago in REGISTRATIONS:
        customer = customers.get(username)
        if customer is None:
            continue
        product = products[slug]
        purchased_on = max(today - relativedelta(months=months_ago), product.launch_date)
        Registration.objects.get_or_create(
            product=product,
            serial_number=serial,
            defaults={
                "customer": customer,
                "purchased_on": purchased_on,
                "warranty_ends_on": Registration.warranty_end_for(product, purchased_on),
            },
        )
        count += 1
    return count


def seed(out) -> None:
    lines = _seed_lines()
    products = _seed_products(lines)
    _seed_parts(products)
    _seed_services(products)
    owned = _seed_registrations(products)
    out.write(
        f"  products: {len(lines)} lines, {len(products)} products, {len(PARTS)} parts, "
        f"{len(SERVICES)} services, {owned} registered units"
    )
