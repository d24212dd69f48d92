"""Demo partners across borders, what they supply, and the projects they run with us, as
partners/seed_data/demo.toml lists them.

Idempotent: partners and projects are found by slug and only created when missing. Catalog parts
and services are looked up by SKU / slug; whatever the catalog seed did not create is skipped.
Staff enter partners and projects in the admin, which has no service for them; the owner's
membership goes through `membership_save`, as the admin's does.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from cocreate.core.markup import render_markdown
from cocreate.core.seed_data import demo_data, translated
from products.models import Part, Product, ValueAddedService

from .models import (
    CollaborationProject,
    Membership,
    Milestone,
    Partner,
    PartnerKind,
    ProjectUpdate,
    Provision,
    Supply,
)
from .services import (
    membership_save,
    milestone_add,
    milestone_change,
    project_invite,
    project_update_post,
)


def _slug(name: str) -> str:
    return slugify(name)[:60].strip("-")


def _seed_partners(rows) -> tuple[dict[str, Partner], int, int]:
    """The partners by name, how many are new, how many catalog links were skipped."""
    parts = {part.sku: part for part in Part.objects.all()}
    services = {service.slug: service for service in ValueAddedService.objects.all()}
    now = timezone.now()
    partners: dict[str, Partner] = {}
    created_count = skipped = 0
    for index, row in enumerate(rows):
        partner, created = Partner.objects.get_or_create(
            slug=_slug(row["name"]),
            defaults={
                "name": row["name"],
                "kind": PartnerKind(row["kind"]),
                "country": row["country"],
                "regions_served": row["regions"],
                "capabilities": row["capabilities"],
                "certifications": row["certifications"],
                "verified": row["verified"],
                "website": row["website"],
                **translated(row, "description"),
                "status": Partner.Status.ACTIVE,
                # Spread over the last year so "newest" sorts meaningfully.
                "created_at": now - timedelta(days=9 * (len(rows) - index)),
            },
        )
        if created:
            partner.render_descriptions()
            partner.save()
        created_count += created
        partners[row["name"]] = partner
        for supply in row.get("supplies", []):
            if supply["sku"] in parts:
                Supply.objects.get_or_create(
                    partner=partner, part=parts[supply["sku"]], defaults=translated(supply, "note")
                )
            else:
                skipped += 1
        for slug in row.get("provisions", []):
            if slug in services:
                Provision.objects.get_or_create(partner=partner, service=services[slug])
            else:
                skipped += 1
    return partners, created_count, skipped


def _seed_projects(rows, partners: dict[str, Partner]) -> None:
    products = {product.slug: product for product in Product.objects.all()}
    today = timezone.localdate()
    for row in rows:
        start = today - timedelta(days=30 * row["started_months_ago"])
        project, created = CollaborationProject.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "kind": CollaborationProject.Kind(row["kind"]),
                "status": CollaborationProject.Status(row["status"]),
                "summary": row["summary"],
                "description": row["description"],
                "description_html": render_markdown(row["description"]),
                "outcomes": row["outcomes"],
                "outcomes_html": render_markdown(row["outcomes"]),
                "start_date": start,
                "end_date": start + timedelta(days=30 * row["months"]),
                "is_public": row.get("public", True),
            },
        )
        if created:
            project.partners.set([partners[name] for name in row["partners"]])
            project.products.set([products[s] for s in row["products"] if s in products])


def _seed_owner(owner_row, partners: dict[str, Partner]) -> None:
    owner = get_user_model().objects.filter(username=owner_row["username"]).first()
    partner = partners[owner_row["partner"]]
    if owner is not None and not Membership.objects.filter(user=owner, partner=partner).exists():
        membership_save(
            membership=Membership(user=owner, partner=partner, role=Membership.Role.OWNER)
        )


def _seed_project_work(rows) -> None:
    """Updates and milestones in projects, written through the services as their author would."""
    now = timezone.now()
    for row in rows:
        project = CollaborationProject.objects.filter(slug=row["project"]).first()
        author = get_user_model().objects.filter(username=row["author"]).first()
        if project is None or author is None:
            continue
        for item in row.get("updates", []):
            body = item["body"].strip()
            if ProjectUpdate.objects.filter(project=project, body=body).exists():
                continue
            update = project_update_post(
                project=project, author=author, body=body, language=item["language"]
            )
            ProjectUpdate.objects.filter(pk=update.pk).update(
                created_at=now - timedelta(days=item["days_ago"])
            )
        for item in row.get("milestones", []):
            if Milestone.objects.filter(project=project, title=item["title"]).exists():
                continue
            milestone = milestone_add(
                project=project,
                by=author,
                title=item["title"],
                description=item.get("description", ""),
                due_at=now + timedelta(days=item["due_in_days"]),
            )
            if item.get("status"):
                milestone_change(milestone=milestone, by=author, status=item["status"])


def _seed_project_invitations(rows) -> None:
    """Invitations waiting for an answer, sent through the service as the inviter would."""
    for row in rows:
        project = CollaborationProject.objects.filter(slug=row["project"]).first()
        partner = Partner.objects.filter(name=row["partner"]).first()
        inviter = get_user_model().objects.filter(username=row["invited_by"]).first()
        if project is None or partner is None or inviter is None:
            continue
        if project.invitations.filter(partner=partner).exists() or project.partners.contains(
            partner
        ):
            continue
        project_invite(project=project, partner=partner, by=inviter, message=row["message"])


def seed(out) -> None:
    data = demo_data(__file__)
    partners, created_count, skipped = _seed_partners(data["partners"])
    _seed_projects(data["projects"], partners)
    _seed_owner(data["owner"], partners)
    _seed_project_work(data.get("project_work", []))
    _seed_project_invitations(data.get("project_invitations", []))
    countries = len({row["country"] for row in data["partners"]})
    out.write(
        f"  partners: {len(data['partners'])} partners ({created_count} new) in {countries} "
        f"countries, {len(data['projects'])} projects"
        + (f"; {skipped} catalog links skipped (not in the catalog)" if skipped else "")
    )
