"""Roadmaps: a product's, and one across every product."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cocreate.core.db_routing import replica_reads
from cocreate.core.pagecache import anonymous_page_cache
from products.models import Product

from .. import roadmap
from ..forms import RoadmapFilterForm
from ._common import _product_or_404

ROADMAP_PAGE_SIZE = 50


def _roadmap_page(request, *, product: Product | None = None) -> HttpResponse:
    """The roadmap of `product` (its community's ideas and those planned for it) or of every
    product: 400 with no ideas for filters it does not know."""
    generations = roadmap.roadmap_generations(product=product)
    form = RoadmapFilterForm(request.GET or None, generations=generations)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = roadmap.RoadmapFilters(
        status=data.get("status") or "",
        kind=data.get("kind") or "",
        generation=data.get("generation") or "",
    )
    counts = roadmap.roadmap_status_counts(filters, product=product)
    tabs = [{"value": "", "label": _("All"), "count": sum(counts.values())}]
    tabs += [
        {"value": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in roadmap.ROADMAP_STATUSES
    ]
    if form.errors:
        page, status = Paginator([], ROADMAP_PAGE_SIZE).get_page(1), 400
    else:
        ideas = roadmap.roadmap_ideas(filters, product=product)
        page, status = Paginator(ideas, ROADMAP_PAGE_SIZE).get_page(request.GET.get("page")), 200
    context = {
        "product": product,
        "form": form,
        "filters": filters,
        "status_tabs": tabs,
        "page": page,
        "lines": roadmap.roadmap_groups(list(page.object_list)),
        "bad_input": bool(form.errors),
    }
    return render(request, "community/roadmap.html", context, status=status)


@require_GET
@anonymous_page_cache
@replica_reads
def roadmap_all(request):
    """The roadmap across every product, by product line and generation."""
    return _roadmap_page(request)


@require_GET
@anonymous_page_cache
@replica_reads
def roadmap_product(request, product_slug):
    """A product's roadmap: its community's ideas and those planned for it, by generation."""
    return _roadmap_page(request, product=_product_or_404(product_slug))
