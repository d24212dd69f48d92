"""The demand for an organisation's parts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from cocreate.core.charts import bar_chart

from .. import selectors
from ._common import _manage_context, _membership_or_404


@login_required
def manage_demand(request, slug):
    membership = _membership_or_404(request, slug)
    demand = selectors.partner_demand(partner=membership.partner)
    used = [row for row in demand["rows"] if getattr(row, "modification_count", 0)][:10]
    chart = (
        bar_chart(
            [(row.part.sku, row.modification_count) for row in used],  # names may not fit
            title=_("Community modifications using each part"),
        )
        if used
        else None
    )
    context = _manage_context(membership, "demand", demand=demand, chart=chart)
    return render(request, "partners/manage_demand.html", context)
