"""The vocabularies the service desk's models share: categories, priorities, SLA states, and the
text-search configuration of tickets and articles."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SEARCH_CONFIG = "english"


class Category(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    TECHNICAL_SUPPORT = "technical_support", _("Technical support")
    UPGRADE_MAINTENANCE = "upgrade_maintenance", _("Upgrade and maintenance")
    LOGISTICS = "logistics", _("Logistics")


class Priority(models.IntegerChoices):
    """Stored as a number so "most urgent first" is a plain descending sort."""

    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
