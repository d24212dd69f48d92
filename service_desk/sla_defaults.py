"""The SLA policies a deployment starts with (docs/service_desk.md, "Default policies").

Migration 0007 creates them in a database that has no policy yet; the demo and scale data call
the same function, for a database a test emptied. Staff change them in the admin afterwards.
"""

from django.db import transaction

from .models import SlaPolicy

# priority (1 low … 4 urgent), category ("" = every category), name, first response and
# resolution targets in minutes.
DEFAULT_POLICIES = [
    (4, "", "Urgent", 30, 8 * 60),
    (3, "", "High", 2 * 60, 24 * 60),
    (2, "", "Normal", 8 * 60, 3 * 24 * 60),
    (1, "", "Low", 24 * 60, 7 * 24 * 60),
    (2, "logistics", "Normal · Logistics", 4 * 60, 2 * 24 * 60),
]


@transaction.atomic
def default_policies_create(*, model=None) -> int:
    """Create the default policies unless some policy exists; return how many were created.

    Never beside existing ones: a deployment that set its own, or left a priority without a
    policy on purpose, keeps them as they are. `model`: the SlaPolicy class (a migration passes
    its historical one, so keep to the fields migration 0007 knows).
    """
    model = model or SlaPolicy
    if model.objects.exists():
        return 0
    model.objects.bulk_create(
        model(
            priority=priority,
            category=category,
            name=name,
            first_response_minutes=first_response,
            resolution_minutes=resolution,
        )
        for priority, category, name, first_response, resolution in DEFAULT_POLICIES
    )
    return len(DEFAULT_POLICIES)
