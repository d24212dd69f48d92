"""What the sections share: lazy message text, constraint names, slugs, the suspension rule."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..models import RESERVED_SLUGS, Partner


def _interpolate(text, **params):
    """`text % params`, kept lazy so each recipient reads it in their own language."""
    return lazy(lambda: str(text) % params, str)()


def _violated_constraint(error: IntegrityError) -> str:
    """The name of the constraint PostgreSQL reported, or "" (psycopg's diagnostics)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _suspended_message(partner: Partner):
    return _interpolate(
        _(
            "%(name)s is suspended: its profile, members, catalog listing and projects cannot "
            "be changed. Contact staff to lift the suspension."
        ),
        name=partner.name,
    )


def _require_not_suspended(partner: Partner) -> None:
    """Staff suspend a partner to stop it acting on the platform: its members change nothing."""
    if partner.is_suspended:
        raise PermissionDenied(_suspended_message(partner))


def _unique_slug(model, text: str, *, fallback: str) -> str:
    base = slugify(text)[:60].strip("-") or fallback
    if base in RESERVED_SLUGS:
        base = f"{base}-{fallback}"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug
