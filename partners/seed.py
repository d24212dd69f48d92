"""Demo partners across borders, what they supply, and the projects they run with us.

Idempotent: partners and projects are found by slug and only created when missing. Catalog parts
and services are looked up by SKU / slug; whatever the catalog seed did not create is skipped.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant
from cocreate.core.markdown import render_markdown
from products.models import Part, Product, ValueAddedService

from .models import CollaborationProject, Membership, Partner, PartnerKind, Provision, Supply

K = PartnerKind

# name, kind, country, regions served, capabilities, certifications, verified, website,
# description, supplied parts (SKU, note), provided services (slug)
PARTNERS = [
    (
        "Rheinwerk Polymer GmbH",
        K.SUPPLIER,
        "DE",
        ["eu", "CH"],
        ["injection_moulding", "packaging", "recycling"],
        ["iso_9001", "iso_14001", "iatf_16949", "reach", "rohs"],
        True,
        "https://rheinwerk-polymer.example",
        "Injection-moulded housings, cases and brackets from our plant in Duisburg. "
        "Half of our resin is recycled post-consumer polycarbonate.",
        [
            ("AUR3-CASE-CLR", "Manufacturer"),
            ("SON-STAND", "Manufacturer"),
            ("BCN-WALL", "Manufacturer"),
            ("AUR3-BACK-MOD", "Manufacturer"),
        ],
        [],
    ),
    (
        "Shenzhen Lianxin Electronics Co., Ltd.",
        K.SUPPLIER,
        "CN",
        ["global"],
        ["pcb_assembly", "contract_manufacturing", "testing"],
        ["iso_9001", "iso_14001", "rohs", "ccc", "ce", "fcc"],
        True,
        "https://lianxin-electronics.example",
        "SMT lines and final assembly for phones, routers and speakers. "
        "Twelve lines in Bao'an district, NPI team on site.",
        [("BCN-NODE-6E", "Contract manufacturer"), ("AUR-CHG-45", "Contract manufacturer")],
        [],
    ),
    (
        "Dongguan Hengtai Battery Technology",
        K.SUPPLIER,
        "CN",
        ["apac", "eu"],
        ["battery_cells"],
        ["iso_9001", "iatf_16949", "ul", "rohs"],
        True,
        "https://hengtai-battery.example",
        "Lithium-polymer cells and packs with our own BMS firmware.",
        [
            ("AUR3-BAT", "Cell and pack"),
            ("AUR2-BAT", "Cell and pack"),
            ("AUR1-BAT", "Cell and pack"),
            ("SON-BATT-BASE", "Pack"),
        ],
        [],
    ),
    (
        "Kanto Precision Optics K.K.",
        K.SUPPLIER,
        "JP",
        ["apac", "north_america"],
        ["optics"],
        ["iso_9001", "iso_14001"],
        True,
        "https://kanto-optics.example",
        "Camera modules and lens stacks for mobile devices.",
        [],
        [],
    ),
    (
        "Hanbit Display Co.",
        K.SUPPLIER,
        "KR",
        ["global"],
        ["displays"],
        ["iso_9001", "iso_14001", "rohs"],
        True,
        "https://hanbit-display.example",
        "OLED and LTPS panels from 1.3 to 7 inches, with replacement assemblies for repair shops.",
        [("AUR3-SCR", "Panel and assembly"), ("AUR3-GLASS", "Cover glass")],
        [],
    ),
    (
        "Taoyuan Thermal Solutions Corp.",
        K.SUPPLIER,
        "TW",
        ["global"],
        ["die_casting", "cnc_machining"],
        ["iso_9001", "rohs"],
        False,
        "https://taoyuan-thermal.example",
        "Heat sinks, vapour chambers and liquid coolers for PCs.",
        [
            ("FRG-COOL-TWR", "Manufacturer"),
            ("FRG-AIO-360", "Manufacturer"),
            ("FRG-COOL-LP", "Manufacturer"),
            ("FRG-FAN-140-3", "Manufacturer"),
        ],
        [],
    ),
    (
        "Voltaris Power Systems",
        K.SUPPLIER,
        "TW",
        ["global"],
        ["contract_manufacturing"],
        ["iso_9001", "ul", "ce", "rohs", "iso_50001"],
        True,
        "https://voltaris.example",
        "80 PLUS Gold and Platinum power supplies, ATX and SFX.",
        [
            ("FRG-PSU-750G", "ODM"),
            ("FRG-PSU-1000P", "ODM"),
            ("FRG-SFX-650", "ODM"),
            ("BCN-PSU-12V", "Adapter"),
        ],
        [],
    ),
    (
        "Nordic Acoustic Labs AB",
        K.SUPPLIER,
        "SE",
        ["nordics", "eu"],
        ["acoustics", "industrial_design"],
        ["iso_9001", "iso_14001"],
        True,
        "https://nordic-acoustic.example",
        "Drivers, passive radiators and acoustic fabrics. Tuned in Gothenburg.",
        [("SON2-FABRIC-SAGE", "Fabric and frame")],
        [],
    ),
    (
        "Penang Memory Solutions Sdn. Bhd.",
        K.SUPPLIER,
        "MY",
        ["asean", "apac", "eu"],
        ["semiconductors", "testing"],
        ["iso_9001", "iso_14001", "rohs"],
        False,
        "https://penang-memory.example",
        "DDR5 module assembly and burn-in testing.",
        [("FRG-RAM-32-D5", "Module assembly"), ("FRG-RAM-64-D5", "Module assembly")],
        [],
    ),
    (
        "Bravia Vidros Industriais Ltda.",
        K.SUPPLIER,
        "BR",
        ["latin_america"],
        ["sheet_metal"],
        ["iso_9001"],
        False,
        "https://bravia-vidros.example",
        "Tempered glass panels and steel chassis parts for São Paulo state assemblers.",
        [("FRG-S2-GLASS", "Regional source for Latin America")],
        [],
    ),
    (
        "Auraline Manufacturing Services",
        K.OEM,
        "VN",
        ["apac", "eu", "north_america"],
        ["contract_manufacturing", "pcb_assembly", "packaging"],
        ["iso_9001", "iso_14001", "iso_45001", "rohs"],
        True,
        "https://auraline-ms.example",
        "Final assembly of the Aurora line in Bac Ninh.",
        [],
        [],
    ),
    (
        "Graphix Silicon Partners Inc.",
        K.OEM,
        "US",
        ["global"],
        ["semiconductors", "firmware"],
        ["iso_9001", "iso_27001"],
        True,
        "https://graphix-silicon.example",
        "Board partner for discrete graphics cards.",
        [("FRG-GPU-16G", "Board partner"), ("FRG-GPU-12G-C", "Board partner")],
        [],
    ),
    (
        "Mesa Norte Electrónica S.A. de C.V.",
        K.OEM,
        "MX",
        ["north_america", "latin_america"],
        ["contract_manufacturing", "pcb_assembly"],
        ["iso_9001", "iatf_16949"],
        False,
        "https://mesanorte.example",
        "Near-shore assembly in Monterrey for routers sold in the Americas.",
        [],
        [],
    ),
    (
        "Wroclaw Assembly Works Sp. z o.o.",
        K.OEM,
        "PL",
        ["eu"],
        ["contract_manufacturing", "recycling"],
        ["iso_9001", "iso_14001"],
        True,
        "https://wroclaw-assembly.example",
        "Built-to-order PCs and refurbishment for the European market.",
        [],
        [],
    ),
    (
        "Open Home Alliance e.V.",
        K.ALLIANCE,
        "DE",
        ["global"],
        ["cloud_iot", "firmware"],
        [],
        True,
        "https://openhome-alliance.example",
        "An industry alliance for interoperable smart-home devices and open standards.",
        [],
        [],
    ),
    (
        "Circular Electronics Initiative",
        K.ALLIANCE,
        "NL",
        ["eu"],
        ["recycling"],
        [],
        True,
        "https://circular-electronics.example",
        "Manufacturers, recyclers and repairers who design for a second life.",
        [],
        [],
    ),
    (
        "Asia Wireless Forum",
        K.ALLIANCE,
        "SG",
        ["apac"],
        ["rf_antennas"],
        [],
        False,
        "https://asia-wireless.example",
        "Interoperability plugfests for Wi-Fi 7 and Thread in the region.",
        [],
        [],
    ),
    (
        "Hanseatic Freight & Customs GmbH",
        K.LOGISTICS,
        "DE",
        ["eu", "GB", "CH", "NO"],
        ["freight_forwarding", "customs_brokerage", "warehousing"],
        ["iso_9001", "aeo", "tapa_fsr"],
        True,
        "https://hanseatic-freight.example",
        "Sea and rail freight from Asia into Hamburg, bonded warehousing and customs clearance.",
        [],
        [],
    ),
    (
        "Pacific Bridge Logistics Pte. Ltd.",
        K.LOGISTICS,
        "SG",
        ["apac", "asean"],
        ["freight_forwarding", "warehousing", "reverse_logistics"],
        ["iso_9001", "tapa_fsr", "aeo"],
        True,
        "https://pacific-bridge.example",
        "Regional distribution hub for South-East Asia, returns and repair routing.",
        [],
        [],
    ),
    (
        "Rapido Última Milla S.L.",
        K.LOGISTICS,
        "ES",
        ["ES", "PT"],
        ["last_mile"],
        ["iso_14001"],
        False,
        "https://rapido-ultima.example",
        "Same-day delivery and pick-up of repairs in Iberian cities.",
        [],
        ["beacon-installation"],
    ),
    (
        "Great Lakes Returns Co.",
        K.LOGISTICS,
        "US",
        ["US", "CA"],
        ["reverse_logistics", "recycling", "warehousing"],
        ["iso_9001", "iso_14001"],
        True,
        "https://greatlakes-returns.example",
        "Returns processing, grading and refurbishment for North America.",
        [],
        [],
    ),
    (
        "Helvetia Device Insurance AG",
        K.FINANCIAL_SERVICE,
        "CH",
        ["dach", "eu"],
        ["insurance"],
        ["iso_27001"],
        True,
        "https://helvetia-device.example",
        "Theft and accidental-damage cover for phones, routers and speakers.",
        [],
        ["aurora-theft-damage", "aurora-care-plus", "beacon-care", "sonata-care"],
    ),
    (
        "Lumen Consumer Finance S.p.A.",
        K.FINANCIAL_SERVICE,
        "IT",
        ["eu"],
        ["consumer_financing", "payments"],
        ["pci_dss", "iso_27001"],
        True,
        "https://lumen-finance.example",
        "Zero-interest instalment plans at checkout, decided in seconds.",
        [],
        ["aurora-3-financing", "aurora-upgrade"],
    ),
    (
        "Kestrel Leasing Ltd",
        K.FINANCIAL_SERVICE,
        "GB",
        ["GB", "IE"],
        ["leasing"],
        ["soc_2"],
        False,
        "https://kestrel-leasing.example",
        "Rental and lease-to-own for gaming PCs and creator workstations.",
        [],
        ["forge-rental"],
    ),
    (
        "Technische Universität Rheinland",
        K.UNIVERSITY,
        "DE",
        ["global"],
        ["materials_research", "training"],
        [],
        True,
        "https://tu-rheinland.example",
        "Chair of Polymer Engineering: recycled and bio-based housings, fatigue testing.",
        [],
        [],
    ),
    (
        "Tsinghai University of Technology",
        K.UNIVERSITY,
        "CN",
        ["greater_china"],
        ["ai_ml", "rf_antennas", "training"],
        [],
        True,
        "https://tsinghai-tech.example",
        "School of Electronic Engineering: antenna design and on-device machine learning.",
        [],
        [],
    ),
    (
        "Universidade Federal do Vale",
        K.UNIVERSITY,
        "BR",
        ["latin_america"],
        ["training", "recycling"],
        [],
        False,
        "https://ufv-vale.example",
        "Repair and reuse programmes with vocational schools in Minas Gerais.",
        [],
        [],
    ),
    (
        "Kyoto Institute of Acoustics",
        K.UNIVERSITY,
        "JP",
        ["JP"],
        ["acoustics"],
        [],
        True,
        "https://kyoto-acoustics.example",
        "Psychoacoustics and small-speaker tuning.",
        [],
        [],
    ),
    (
        "Fraunhofer-like Institute for Reliability",
        K.RESEARCH_INSTITUTE,
        "DE",
        ["eu"],
        ["testing", "materials_research"],
        ["iso_9001", "iso_13485"],
        True,
        "https://reliability-institute.example",
        "Drop, thermal-cycling and corrosion testing; failure analysis with CT scans.",
        [],
        [],
    ),
    (
        "A*Labs Singapore",
        K.RESEARCH_INSTITUTE,
        "SG",
        ["asean", "apac"],
        ["battery_cells", "materials_research"],
        ["iso_9001"],
        True,
        "https://alabs-sg.example",
        "Solid-state battery research and pilot-line cell making.",
        [],
        [],
    ),
    (
        "Institut Lumière des Capteurs",
        K.RESEARCH_INSTITUTE,
        "FR",
        ["eu"],
        ["optics", "ai_ml"],
        [],
        False,
        "https://lumiere-capteurs.example",
        "Computational photography and low-light imaging sensors.",
        [],
        [],
    ),
    (
        "Bangalore Embedded Systems Pvt. Ltd.",
        K.DEVELOPER,
        "IN",
        ["global"],
        ["firmware", "mobile_apps", "cloud_iot"],
        ["iso_9001", "iso_27001"],
        True,
        "https://blr-embedded.example",
        "Router firmware, mesh management apps and device cloud back ends.",
        [],
        [],
    ),
    (
        "Pixelhaven Studio",
        K.DEVELOPER,
        "PL",
        ["eu", "north_america"],
        ["mobile_apps", "industrial_design"],
        [],
        False,
        "https://pixelhaven.example",
        "Companion apps and onboarding flows for connected hardware.",
        [],
        [],
    ),
    (
        "Northwind Voice AI Inc.",
        K.DEVELOPER,
        "CA",
        ["north_america", "eu"],
        ["ai_ml", "cloud_iot"],
        ["soc_2", "iso_27001"],
        True,
        "https://northwind-voice.example",
        "Private, on-device voice assistants for smart speakers.",
        [],
        [],
    ),
    (
        "Tel Aviv Mesh Networks Ltd.",
        K.DEVELOPER,
        "IL",
        ["global"],
        ["rf_antennas", "firmware"],
        ["iso_27001"],
        False,
        "https://tlv-mesh.example",
        "Self-optimising mesh routing and band steering.",
        [],
        [],
    ),
    (
        "Cape Town Repair Collective",
        K.ALLIANCE,
        "ZA",
        ["middle_east_africa"],
        ["recycling", "training"],
        [],
        False,
        "https://ct-repair.example",
        "Independent repairers sharing tools, parts and training across Southern Africa.",
        [],
        [],
    ),
]

# slug, title, kind, status, start (months ago), duration months, summary, description,
# outcomes, partner names, product slugs
PROJECTS = [
    (
        "recycled-housing-aurora-4", "Recycled polycarbonate housing for Aurora 4",
        CollaborationProject.Kind.JOINT_RND, CollaborationProject.Status.COMPLETED, 30, 18,
        "A phone back made of 60 % post-consumer polycarbonate that passes our drop tests.",
        "Rheinwerk moulded test series from resin blends the TU Rheinland chair developed; the "
        "reliability institute ran drop and thermal-cycling tests on every series.",
        "- 60 % recycled content in the Aurora 4 back plate\n"
        "- Drop test: 1.5 m on steel, 26 faces, no cracks\n"
        "- Published: *Recycled PC blends for thin-wall housings* (2025)",
        ["Rheinwerk Polymer GmbH", "Technische Universität Rheinland",
         "Fraunhofer-like Institute for Reliability"],
        ["aurora-4"],
    ),
    (
        "solid-state-cells", "Solid-state cells for the next Aurora",
        CollaborationProject.Kind.JOINT_RND, CollaborationProject.Status.ACTIVE, 8, 24,
        "Pilot cells with a solid electrolyte, sized for a phone.",
        "A*Labs makes pilot cells; Hengtai industrialises the pack and BMS.",
        "",
        ["A*Labs Singapore", "Dongguan Hengtai Battery Technology"],
        ["aurora-4"],
    ),
    (
        "beacon-americas-supply", "Beacon assembled in the Americas",
        CollaborationProject.Kind.SUPPLY, CollaborationProject.Status.ACTIVE, 12, 36,
        "Near-shore assembly of Beacon routers in Monterrey for shorter lead times.",
        "Mesa Norte assembles with boards from Lianxin; Great Lakes handles returns.",
        "- Lead time to US retailers down from 7 to 2 weeks",
        ["Mesa Norte Electrónica S.A. de C.V.", "Shenzhen Lianxin Electronics Co., Ltd.",
         "Great Lakes Returns Co."],
        ["beacon-ax6000", "beacon-be9000"],
    ),
    (
        "open-home-certified", "Open Home certified speakers",
        CollaborationProject.Kind.CO_MARKETING, CollaborationProject.Status.COMPLETED, 20, 6,
        "Joint launch campaign for the first Sonata speakers certified by the alliance.",
        "Certification, plugfest attendance and a joint launch at the alliance's fair booth.",
        "- Sonata One and Two certified\n- 14 retailers carried the joint display",
        ["Open Home Alliance e.V.", "Northwind Voice AI Inc."],
        ["sonata-one", "sonata-two"],
    ),
    (
        "repair-academy", "Repair academy for independent technicians",
        CollaborationProject.Kind.EDUCATION, CollaborationProject.Status.ACTIVE, 6, 24,
        "Free courses on battery and display replacement, with parts at cost for graduates.",
        "Courses run in São Paulo, Cape Town and Duisburg, in the local language.",
        "- 212 technicians trained so far",
        ["Universidade Federal do Vale", "Cape Town Repair Collective",
         "Circular Electronics Initiative"],
        ["aurora-3", "aurora-2"],
    ),
    (
        "mesh-firmware-7", "Wi-Fi 7 mesh firmware",
        CollaborationProject.Kind.JOINT_RND, CollaborationProject.Status.PLANNED, -2, 12,
        "Self-optimising band steering for the Beacon BE9000 mesh.",
        "Algorithms from Tel Aviv Mesh Networks, integrated and maintained by Bangalore Embedded.",
        "",
        ["Tel Aviv Mesh Networks Ltd.", "Bangalore Embedded Systems Pvt. Ltd.",
         "Asia Wireless Forum"],
        ["beacon-be9000"],
    ),
    (
        "forge-financing", "Forge builds on instalments",
        CollaborationProject.Kind.CO_MARKETING, CollaborationProject.Status.ACTIVE, 4, 12,
        "Build-your-PC offers with financing and rental at checkout.",
        "Lumen finances purchases in the EU, Kestrel rents ready-built PCs in the UK.",
        "",
        ["Lumen Consumer Finance S.p.A.", "Kestrel Leasing Ltd", "Wroclaw Assembly Works Sp. z o.o."],
        ["forge-s2", "forge-mini"],
    ),
]  # fmt: skip

DEMO_OWNER = ("paul", "Rheinwerk Polymer GmbH")


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)[:60].strip("-")


def seed(out) -> None:
    parts = {part.sku: part for part in Part.objects.all()}
    services = {service.slug: service for service in ValueAddedService.objects.all()}
    products = {product.slug: product for product in Product.objects.all()}
    now = timezone.now()
    partners: dict[str, Partner] = {}
    created_count = skipped = 0
    for index, row in enumerate(PARTNERS):
        (name, kind, country, regions, capabilities, certifications, verified, website,
         description, supplies, provisions) = row  # fmt: skip
        partner, created = Partner.objects.get_or_create(
            slug=_slug(name),
            defaults={
                "name": name,
                "kind": kind,
                "country": country,
                "regions_served": regions,
                "capabilities": capabilities,
                "certifications": certifications,
                "verified": verified,
                "website": website,
                "description": description,
                "description_html": render_markdown(description),
                "status": Partner.Status.ACTIVE,
                # Spread over the last year so "newest" sorts meaningfully.
                "created_at": now - timedelta(days=9 * (len(PARTNERS) - index)),
            },
        )
        created_count += created
        partners[name] = partner
        for sku, note in supplies:
            if sku in parts:
                Supply.objects.get_or_create(
                    partner=partner, part=parts[sku], defaults={"note": note}
                )
            else:
                skipped += 1
        for slug in provisions:
            if slug in services:
                Provision.objects.get_or_create(partner=partner, service=services[slug])
            else:
                skipped += 1

    today = timezone.localdate()
    for (slug, title, kind, status, months_ago, months, summary, description, outcomes,
         partner_names, product_slugs) in PROJECTS:  # fmt: skip
        start = today - timedelta(days=30 * months_ago)
        project, created = CollaborationProject.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "status": status,
                "summary": summary,
                "description": description,
                "description_html": render_markdown(description),
                "outcomes": outcomes,
                "outcomes_html": render_markdown(outcomes),
                "start_date": start,
                "end_date": start + timedelta(days=30 * months),
            },
        )
        if created:
            project.partners.set([partners[name] for name in partner_names])
            project.products.set([products[s] for s in product_slugs if s in products])

    username, partner_name = DEMO_OWNER
    owner = get_user_model().objects.filter(username=username).first()
    if owner is not None:
        Membership.objects.get_or_create(
            user=owner, partner=partners[partner_name], defaults={"role": Membership.Role.OWNER}
        )
        role_grant(user=owner, role=Role.PARTNER_MEMBER)
    countries = len({row[2] for row in PARTNERS})
    out.write(
        f"  partners: {len(PARTNERS)} partners ({created_count} new) in {countries} countries, "
        f"{len(PROJECTS)} projects"
        + (f"; {skipped} catalog links skipped (not in the catalog)" if skipped else "")
    )
