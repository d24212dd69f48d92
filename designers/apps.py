from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignersConfig(AppConfig):
    name = "designers"
    verbose_name = _("Designers' workspace")

    def ready(self):
        # The community feeds and API sort by the trending score this app keeps (the stored
        # score already accounts for decay: see designers/scoring.py).
        from community.selectors import register_feed_sort

        from . import checks  # noqa: F401  (registers the system checks)

        register_feed_sort(
            "trending", _("Trending"), ("-trending_score", "-last_activity_at", "-id")
        )

        from cocreate.accounts.roles import Landing
        from cocreate.core.badges import register_status_badges
        from cocreate.core.menu import register_menu_entry

        from .models import ReviewItem
        from .permissions import may_design

        register_menu_entry(
            _("Design"),
            "designers:queue",
            position=20,
            visible=may_design,
            landing=Landing.DESIGNER,
            description=_("The ideas the community surfaced: answer them, plan and adopt them."),
        )
        register_status_badges(
            ReviewItem,
            {ReviewItem.State.NEW: "badge-warn", ReviewItem.State.DECIDED: "badge-ok"},
            field="state",
        )
        # How designers hear of what the community surfaced (docs/notifications.md).
        from cocreate.notifications.kinds import Delivery, register_kind_group

        register_kind_group(
            "designers.review",
            _("Designers' review queue"),
            description=_("Posts the community surfaced for your products, the weekly digest."),
            section=_("Design"),
            kinds=["designers.surfaced", "designers.digest"],
            default=Delivery.EMAIL,
            visible=may_design,
            position=45,
        )
