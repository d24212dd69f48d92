"""The partner's profile: the fields its members may change, and its logo."""

from django.db import transaction

from cocreate.core.i18n import detect_language, supported_language

from ..models import Partner
from ._common import _require_not_suspended

# The fields a partner's members may change about their own organisation; the rest (status,
# verified, name) is staff's to decide.
PARTNER_EDITABLE_FIELDS = (
    "kind",
    "country",
    "regions_served",
    "capabilities",
    "certifications",
    "description",
    "website",
    # Empty: detected from the name and description.
    "language",
)


@transaction.atomic
def partner_update(*, partner: Partner, logo=None, remove_logo: bool = False, **fields) -> Partner:
    """Change the profile fields members may edit. `logo` must come from `logos.logo_clean`.

    Raises PermissionDenied for a suspended partner, ValidationError (nothing saved) for
    invalid values.
    """
    unknown = set(fields) - set(PARTNER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable by members: {sorted(unknown)}")
    _require_not_suspended(partner)
    for name, value in fields.items():
        setattr(partner, name, value)
    if "description" in fields:
        partner.render_descriptions()
    for name in ("capabilities", "certifications", "regions_served"):
        if name in fields:
            setattr(partner, name, list(dict.fromkeys(fields[name])))
    if "language" in fields and not supported_language(fields["language"]):
        partner.language = detect_language(f"{partner.name}\n{partner.description}")
    partner.full_clean(exclude=["logo"])
    old_logo = partner.logo.name if partner.logo else ""
    if logo is not None:
        partner.logo.save(logo.name, logo, save=False)
    elif remove_logo:
        partner.logo = ""
    partner.save()
    if old_logo and old_logo != (partner.logo.name if partner.logo else ""):
        storage, name = partner.logo.storage, old_logo
        transaction.on_commit(lambda: storage.delete(name))
    return partner
