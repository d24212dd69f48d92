"""The desk metrics' daily figures (service_desk.metrics reads them, services/metrics.py writes
them): per day and per value of each dimension the page groups by, the counts and sums of the
tickets filed that day, so a period's figures are sums over its days, whatever the ticket count."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricsDayFigure(models.Model):
    """The tickets filed on `day` (a UTC day) whose `dimension` has the value `key`: how many,
    their SLA outcome, and for a time bucket the sum of their seconds."""

    class Dimension(models.TextChoices):
        ALL = "all", _("every ticket")
        CATEGORY = "category", _("category")
        CHANNEL = "channel", _("channel")
        PRODUCT = "product", _("product")
        PRIORITY = "priority", _("priority")
        CSAT = "csat", _("satisfaction score")
        HOUR = "hour", _("hour of the day")
        FIRST_RESPONSE = "first_response", _("first response time bucket")
        RESOLUTION = "resolution", _("resolution time bucket")
        DEFLECTION = "deflection", _("deflection")

    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    key = models.CharField(_("value"), max_length=32, blank=True)
    tickets = models.PositiveIntegerField(_("tickets"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    sla_decided = models.PositiveIntegerField(_("SLA outcome known"), default=0)
    sla_met = models.PositiveIntegerField(_("SLA met"), default=0)

    class Meta:
        verbose_name = _("metrics day figure")
        verbose_name_plural = _("metrics day figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "key"], name="metrics_day_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension} {self.key}: {self.tickets}"


class MetricsStaleDay(models.Model):
    """A change to a ticket or a deflection filed on `day`, which makes the day's figures stale.
    Database triggers (migration 0015) add a row in the transaction of the change, whichever code
    wrote it; the refresh recomputes the day and deletes the rows it saw (services/metrics.py).
    A row per change rather than per day: writers never wait for each other on a shared row."""

    day = models.DateField(_("day"), db_index=True)

    class Meta:
        verbose_name = _("stale metrics day")
        verbose_name_plural = _("stale metrics days")

    def __str__(self) -> str:
        return str(self.day)
