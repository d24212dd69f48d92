"""The demand for an organisation's parts: the page and its CSV (docs/partners.md, "Demand")."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from cocreate.core.charts import column_chart
from cocreate.core.spreadsheet import csv_response

from .. import demand as demand_reads
from ._common import _manage_context, _membership_or_404


def _charts(buckets, *, part, unit: str):
    """Builds and votes per week or month; the selected part's share drawn over the totals."""
    if not buckets:
        return None, None
    per = _("per week") if unit == "week" else _("per month")
    legend = (_("All your parts"), part.sku) if part else None
    builds = column_chart(
        [(b.label, b.builds) for b in buckets],
        title=_("Builds listing your parts, %(per)s") % {"per": per},
        overlay=[b.part_builds for b in buckets] if part else None,
        legend=legend,
    )
    votes = column_chart(
        [(b.label, b.votes) for b in buckets],
        title=_("Votes on those builds, %(per)s") % {"per": per},
        overlay=[b.part_votes for b in buckets] if part else None,
        legend=legend,
    )
    return builds, votes


@login_required
def manage_demand(request, slug):
    membership = _membership_or_404(request, slug)
    form = demand_reads.PeriodForm(request.GET)
    period = form.chosen_period()
    demand = demand_reads.partner_demand(membership.partner, period)
    sku = form.cleaned_data.get("part", "") if form.is_valid() else ""
    selected = next((row.part for row in demand.rows if sku and row.part.sku == sku), None)
    buckets = demand_reads.trend(membership.partner, period, part=selected)
    builds_chart, votes_chart = _charts(buckets, part=selected, unit=period.unit)
    context = _manage_context(
        membership,
        "demand",
        form=form,
        period=period,
        presets=demand_reads.PERIODS,
        demand=demand,
        buckets=buckets,
        selected=selected,
        builds_chart=builds_chart,
        votes_chart=votes_chart,
    )
    return render(request, "partners/manage_demand.html", context)


@login_required
def demand_csv(request, slug):
    """The page's figures, one row per supplied part. A bad period is the page's form errors."""
    membership = _membership_or_404(request, slug)
    form = demand_reads.PeriodForm(request.GET)
    if not form.is_valid():
        response = manage_demand(request, slug)
        response.status_code = 400
        return response
    period = form.chosen_period()
    demand = demand_reads.partner_demand(membership.partner, period, top_builds=False)
    return csv_response(
        f"{membership.partner.slug}-demand-{period.slug()}.csv",
        demand_reads.CSV_COLUMNS,
        demand_reads.csv_rows(demand),
    )
