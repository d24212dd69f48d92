"""The demand for a partner's parts, as a supplier plans with it (docs/partners.md, "Demand").

Per part the partner supplies, over a period read in the reader's time zone and compared with
the period of the same length before it: the community builds listing it and their votes (the
community's counts, read through the catalog's contract `products.selectors.part_demand`), the
installed base (units registered of the products it fits or ships in), and the tickets that
mention it or are filed about its products in its related category (the desk's counts, through
`products.selectors.part_tickets`). Reads only; every function runs a fixed number of queries
whatever the number of parts, builds, votes, registrations and tickets.
"""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.core.dates import day_label, exact
from products.selectors import installed_base, part_demand, part_products, part_tickets

from .models import Partner, Supply

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
MAX_DAYS = 3 * 366  # a chosen range may span three years, no more
WEEKLY_UP_TO = 120  # days: longer periods are charted per month
TOP_BUILDS = 5


# --- The period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days `first` to `last` (both included) in `tzinfo`, as the half-open [start, end), and the
    period of the same length just before it, [previous_start, start)."""

    first: dt.date
    last: dt.date
    tzinfo: dt.tzinfo
    preset: int | None = None  # 30, 90, 365, or None for a chosen range

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def _midnight(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min), self.tzinfo)

    @property
    def start(self) -> dt.datetime:
        return self._midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        return self._midnight(self.last + dt.timedelta(days=1))

    @property
    def previous_first(self) -> dt.date:
        return self.first - dt.timedelta(days=self.days)

    @property
    def previous_start(self) -> dt.datetime:
        return self._midnight(self.previous_first)

    @property
    def unit(self) -> str:
        """What the trend chart counts per: "week" up to WEEKLY_UP_TO days, else "month"."""
        return "week" if self.days <= WEEKLY_UP_TO else "month"

    def buckets(self) -> list[dt.datetime]:
        """The starts of the weeks (Mondays) or months the period touches, in its time zone."""
        if self.unit == "week":
            day = self.first - dt.timedelta(days=self.first.weekday())
            step = lambda d: d + dt.timedelta(days=7)  # noqa: E731
        else:
            day = self.first.replace(day=1)
            step = lambda d: (d + dt.timedelta(days=32)).replace(day=1)  # noqa: E731
        starts = []
        while day <= self.last:
            starts.append(self._midnight(day))
            day = step(day)
        return starts

    def query(self) -> str:
        """The query string that reads this period again (links, the CSV button)."""
        if self.preset:
            return f"period={self.preset}"
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"

    def slug(self) -> str:
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


class PeriodForm(forms.Form):
    """`?period=30|90|365` (days up to today) or `?from=YYYY-MM-DD&to=YYYY-MM-DD`."""

    period = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(days, days) for days in PERIODS],
        coerce=int,
        required=False,
    )
    from_date = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d"])
    to_date = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d"])
    part = forms.CharField(label=_("Part"), required=False, max_length=40)

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        # The URL says from= and to=; the form's fields cannot be named `from`.
        for name in ("from", "to"):
            if name in data:
                data[f"{name}_date"] = data[name]
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        first, last = data.get("from_date"), data.get("to_date")
        if self.errors:
            return data
        if (first is None) != (last is None):
            missing = "to_date" if last is None else "from_date"
            self.add_error(missing, _("Give both the first and the last day of the period."))
        elif first and last:
            if first > last:
                self.add_error("to_date", _("The last day must not come before the first."))
            elif (last - first).days + 1 > MAX_DAYS:
                self.add_error("to_date", _("Choose a period of at most three years."))
            elif last > timezone.localdate():
                self.add_error("to_date", _("The period cannot end after today."))
        return data

    def chosen_period(self) -> Period:
        """The valid period, or the default one when the form is not valid."""
        tzinfo = timezone.get_current_timezone()
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("from_date") and data.get("to_date"):
            return Period(data["from_date"], data["to_date"], tzinfo)
        days = data.get("period") or DEFAULT_PERIOD
        return Period(today - dt.timedelta(days=days - 1), today, tzinfo, preset=days)


# --- Per part -------------------------------------------------------------------------------


@dataclass
class Trend:
    now: int
    before: int

    @property
    def direction(self) -> str:
        return "up" if self.now > self.before else "down" if self.now < self.before else "flat"

    @property
    def percent(self) -> int | None:
        """The change in per cent of the previous period; None when that was zero."""
        if not self.before:
            return None
        return round(100 * (self.now - self.before) / self.before)


@dataclass
class PartRow:
    part: object
    builds: int = 0
    quantity: int = 0
    votes: int = 0
    builds_previous: int = 0
    votes_previous: int = 0
    units: int = 0
    units_in_period: int = 0
    products: list = field(default_factory=list)  # [Product with units, units_in_period]
    tickets_mentioning: int | None = None
    tickets_in_category: int | None = None
    ticket_category: str = ""

    @property
    def builds_trend(self) -> Trend:
        return Trend(self.builds, self.builds_previous)

    @property
    def votes_trend(self) -> Trend:
        return Trend(self.votes, self.votes_previous)


@dataclass
class Demand:
    period: Period
    rows: list[PartRow]
    community: bool  # the community's counts are available
    tickets: bool  # the desk's counts are available
    totals: dict
    products: list  # every product the parts fit or ship in, with its units
    top_builds: list = field(default_factory=list)

    @property
    def builds_trend(self) -> Trend:
        return Trend(self.totals["builds"], self.totals["builds_previous"])

    @property
    def votes_trend(self) -> Trend:
        return Trend(self.totals["votes"], self.totals["votes_previous"])

    @property
    def units(self) -> int:
        """Distinct units of the products any of the parts fits or ships in."""
        return sum(product.units for product in self.products)

    @property
    def units_in_period(self) -> int:
        return sum(product.units_in_period for product in self.products)


def _supplies(partner: Partner, period: Period):
    supplies = Supply.objects.filter(partner=partner).select_related("part").order_by("pk")
    tickets = part_tickets()
    if tickets is not None:
        supplies = tickets.annotate(supplies, part="part", start=period.start, end=period.end)
    return supplies


def partner_demand(partner: Partner, period: Period, *, top_builds: bool = True) -> Demand:
    """Every figure of the demand page and its CSV, per supplied part: nine queries (eight without the top builds)."""
    community, tickets = part_demand(), part_tickets()
    supplies = list(_supplies(partner, period))
    part_ids = [supply.part_id for supply in supplies]
    counts = (
        community.counts(
            part_ids, start=period.start, end=period.end, previous_start=period.previous_start
        )
        if community and community.counts and part_ids
        else {}
    )
    fitted = part_products(part_ids) if part_ids else {}
    every_product = set().union(*fitted.values()) if fitted else set()
    products = (
        {
            product.pk: product
            for product in installed_base(every_product, start=period.start, end=period.end)
        }
        if every_product
        else {}
    )
    categories = tickets.categories() if tickets else {}
    by_product = (
        tickets.per_product(every_product, start=period.start, end=period.end)
        if tickets and every_product
        else {}
    )
    rows = []
    for supply in supplies:
        part = supply.part
        category, label = categories.get(part.kind, ("", ""))
        mine = sorted(
            (products[pk] for pk in fitted.get(part.pk, ())),
            key=lambda p: (p.line.position, p.generation, p.name, p.pk),
        )
        rows.append(
            PartRow(
                part=part,
                **counts.get(part.pk, {}),
                units=sum(p.units for p in mine),
                units_in_period=sum(p.units_in_period for p in mine),
                products=mine,
                tickets_mentioning=getattr(supply, "tickets_mentioning", None),
                tickets_in_category=(
                    sum(by_product.get((p.pk, category), 0) for p in mine) if tickets else None
                ),
                ticket_category=str(label),
            )
        )
    rows.sort(key=lambda row: (-row.builds, -row.votes, -row.units, str(row.part.name)))
    totals = (
        community.totals(
            part_ids, start=period.start, end=period.end, previous_start=period.previous_start
        )
        if community and community.totals and part_ids
        else {"builds": 0, "builds_previous": 0, "votes": 0, "votes_previous": 0}
    )
    top = (
        list(community.popular_builds(part_ids, limit=TOP_BUILDS))
        if top_builds and community and part_ids
        else []
    )
    return Demand(
        period=period,
        rows=rows,
        community=community is not None,
        tickets=tickets is not None,
        totals=totals,
        products=sorted(
            products.values(), key=lambda p: (p.line.position, p.generation, p.name, p.pk)
        ),
        top_builds=top,
    )


@dataclass
class Bucket:
    start: dt.datetime
    label: str
    builds: int
    votes: int
    part_builds: int
    part_votes: int


def trend(partner: Partner, period: Period, *, part=None) -> list[Bucket]:
    """Builds and votes per week or month of the period for all the partner's parts together
    (each build once) and, when `part` is given, for that part: two queries."""
    community = part_demand()
    if community is None:
        return []
    part_ids = Supply.objects.filter(partner=partner).values("part_id")
    builds, votes, part_builds, part_votes = community.series(
        part_ids,
        start=period.start,
        end=period.end,
        unit=period.unit,
        tzinfo=period.tzinfo,
        part_id=part.pk if part else None,
    )
    label = (
        (lambda d: day_label(d.date()))
        if period.unit == "week"
        else (lambda d: exact(d.date(), "month"))
    )
    return [
        Bucket(
            start,
            label(start),
            builds.get(start, 0),
            votes.get(start, 0),
            part_builds.get(start, 0),
            part_votes.get(start, 0),
        )
        for start in period.buckets()
    ]


# --- For the organisation dashboard ---------------------------------------------------------


def demand_summary(partner: Partner, *, period_days: int = 90) -> dict:
    """A few figures for the organisation's dashboard over the last `period_days` days (up to
    today in the reader's time zone) and the same length before: {"parts", "builds",
    "builds_previous", "votes", "votes_previous", "units", "tickets_mentioning",
    "tickets_in_category"} (builds and votes counted once however many of the parts they list;
    tickets summed over the parts; None without the desk's counts). At most eight queries
    (six when the parts fit no product), whatever the number of parts, builds and tickets."""
    today = timezone.localdate()
    period = Period(
        today - dt.timedelta(days=period_days - 1),
        today,
        timezone.get_current_timezone(),
        preset=period_days,
    )
    demand = partner_demand(partner, period, top_builds=False)
    tickets = demand.tickets
    return {
        "parts": len(demand.rows),
        **demand.totals,
        "units": demand.units,
        "tickets_mentioning": sum(r.tickets_mentioning for r in demand.rows) if tickets else None,
        "tickets_in_category": sum(r.tickets_in_category for r in demand.rows) if tickets else None,
    }


# --- The CSV --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "sku",
    "name",
    "kind",
    "builds",
    "votes",
    "quantity",
    "builds_previous_period",
    "votes_previous_period",
    "installed_base",
    "registered_in_period",
    "tickets_mentioning",
    "tickets_in_related_category",
)


def csv_rows(demand: Demand):
    """The CSV's rows, one per supplied part, in CSV_COLUMNS' order."""
    for row in demand.rows:
        yield (
            row.part.sku,
            str(row.part.name),
            row.part.get_kind_display(),
            row.builds,
            row.votes,
            row.quantity,
            row.builds_previous,
            row.votes_previous,
            row.units,
            row.units_in_period,
            "" if row.tickets_mentioning is None else row.tickets_mentioning,
            "" if row.tickets_in_category is None else row.tickets_in_category,
        )
