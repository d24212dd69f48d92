"""The partner directory and a partner's page."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from cocreate.core.db_routing import replica_reads

from .. import selectors, services
from ..forms import (
    DirectoryFilterForm,
)
from ..models import Application, Partner

DIRECTORY_PAGE_SIZE = 24


@replica_reads
def directory(request):
    form = DirectoryFilterForm(request.GET)
    partners = selectors.partner_directory(**form.criteria())
    page = Paginator(partners, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    if request.htmx and not request.htmx.history_restore_request:
        # The filters changed: htmx swaps in the results alone.
        return render(request, "partners/_directory_results.html", {"form": form, "page": page})
    pending_applications = (
        Application.objects.filter(status=Application.Status.PENDING).count()
        if request.user.is_authenticated and request.user.is_staff
        else None
    )
    return render(
        request,
        "partners/directory.html",
        {"form": form, "page": page, "pending_applications": pending_applications},
    )


@replica_reads
def partner_detail(request, slug):
    try:
        partner = selectors.partner_for_page(slug=slug, user=request.user)
    except Partner.DoesNotExist:
        raise Http404 from None
    membership = services.membership_of(request.user, partner)
    return render(request, "partners/detail.html", {"partner": partner, "membership": membership})
