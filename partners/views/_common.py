"""What the directory's pages share: the refusal that says why, the member's own organisation."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ..models import Membership


def _refused(request, error: PermissionDenied, *, back_url: str):
    """A service refused the action for a reason the user should read (a suspended partner, an
    invitation meant for someone else): a 403 page that says why."""
    message = error.args[0] if error.args else _("You are not allowed to do that.")
    return render(
        request, "partners/refused.html", {"message": message, "back_url": back_url}, status=403
    )


def _membership_or_404(request, slug) -> Membership:
    if not request.user.is_authenticated:
        raise Http404
    # How many organisations the user is in rides along (the header's breadcrumb to the list
    # shows only for several: /partners/mine/ sends someone with one straight to it).
    return get_object_or_404(
        Membership.objects.select_related("partner").annotate(
            organisation_count=Subquery(
                Membership.objects.filter(user=OuterRef("user"))
                .order_by()
                .values("user")
                .annotate(n=Count("pk"))
                .values("n")
            )
        ),
        user=request.user,
        partner__slug=slug,
    )


def _manage_context(membership, tab, **extra):
    return {"membership": membership, "partner": membership.partner, "tab": tab, **extra}
