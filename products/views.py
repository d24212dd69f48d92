from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreate.core.db_routing import replica_reads
from cocreate.core.forms import add_service_errors

from .forms import CatalogFilterForm, PartFilterForm, RegistrationForm
from .models import Product, ProductLine, Registration
from .selectors import (
    PartFilters,
    customer_owns,
    part_list,
    product_changelog,
    product_cocreated_ideas,
    product_for_page,
    product_generations,
    product_lines,
    product_search,
    product_status_counts,
    registration_of,
    registrations_of,
)
from .services import registration_create, registration_delete

CATALOG_PAGE_SIZE = 48
PARTS_PAGE_SIZE = 30
REGISTRATIONS_PAGE_SIZE = 50
CHANGELOG_PAGE_SIZE = 30


def _status_tabs(counts: dict[str, int], current: str = "") -> list[dict]:
    """ "All" and each lifecycle status that has products (or is the one chosen)."""
    tabs = [{"value": "", "label": _("All"), "count": sum(counts.values())}]
    tabs += [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Product.Status.choices
        if counts.get(value) or value == current
    ]
    return tabs


def _valid_filters(form) -> dict:
    """The filters that are valid: one bad value (an unknown status) does not drop the others."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _filtered_products(request, *, line: ProductLine | None = None):
    form = CatalogFilterForm(request.GET or None)
    filters = _valid_filters(form)
    products = product_search(q=filters.get("q", ""), status=filters.get("status", ""), line=line)
    page = Paginator(products, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return form, filters, page


@replica_reads
def catalog(request):
    """Every product, grouped by line, with full-text search and a lifecycle filter."""
    form, filters, page = _filtered_products(request)
    context = {
        "form": form,
        "page": page,
        "query": filters.get("q", ""),
        "status": filters.get("status", ""),
        "status_tabs": _status_tabs(product_status_counts(), filters.get("status", "")),
        "lines": product_lines(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "products/_catalog_results.html", context)
    return render(request, "products/catalog.html", context)


@replica_reads
def line_detail(request, slug):
    line = get_object_or_404(ProductLine, slug=slug)
    form, filters, page = _filtered_products(request, line=line)
    context = {
        "line": line,
        "form": form,
        "page": page,
        "query": filters.get("q", ""),
        "status": filters.get("status", ""),
        "status_tabs": _status_tabs(product_status_counts(line=line), filters.get("status", "")),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "products/_catalog_results.html", context)
    return render(request, "products/line_detail.html", context)


@replica_reads
def product_detail(request, slug):
    try:
        product = product_for_page(slug)
    except Product.DoesNotExist as error:
        raise Http404(_("No such product.")) from error
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "generations": product_generations(product),
            "specs": sorted(product.specs.items()) if isinstance(product.specs, dict) else [],
            "cocreated_ideas": product_cocreated_ideas(product),
            "owned": customer_owns(request.user, product),
            "today": timezone.localdate(),
        },
    )


@replica_reads
def part_catalog(request):
    form = PartFilterForm(request.GET or None)
    cleaned = _valid_filters(form)
    filters = PartFilters(
        kind=cleaned.get("kind", ""), compatible_with=cleaned.get("compatible_with")
    )
    page = Paginator(part_list(filters, ships_in=True), PARTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "products/part_list.html", {"form": form, "page": page, "filters": filters}
    )


@login_required
def my_products(request):
    """The customer's registered units with their warranty, and the form to add one."""
    form = RegistrationForm(request.POST or None, initial={"product": request.GET.get("product")})
    if request.method == "POST" and form.is_valid():
        try:
            registration = registration_create(customer=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(product)s (serial %(serial)s) is registered to you.")
                % {"product": registration.product.name, "serial": registration.serial_number},
            )
            return redirect("products:mine")
    page = Paginator(registrations_of(request.user), REGISTRATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "products/my_products.html",
        {"form": form, "page": page, "today": timezone.localdate()},
    )


@login_required
@require_POST
def registration_remove(request, pk):
    try:
        registration = registration_of(request.user, pk)
    except Registration.DoesNotExist as error:
        raise Http404(_("No such registration.")) from error
    registration_delete(customer=request.user, registration=registration)
    messages.success(
        request,
        _("The registration of %(product)s (serial %(serial)s) was removed.")
        % {"product": registration.product.name, "serial": registration.serial_number},
    )
    return redirect("products:mine")


@replica_reads
def changelog(request, slug):
    """What a generation shipped from its community (or, before its release, what it will)."""
    product = get_object_or_404(Product.objects.select_related("line"), slug=slug)
    page = Paginator(product_changelog(product), CHANGELOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "products/changelog.html",
        {"product": product, "page": page, "released": product.is_registrable},
    )
