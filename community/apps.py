from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.permissions import register_rule

        from .models import Post, StatusChange
        from .permissions import can_moderate

        register_rule("community.moderate", can_moderate)  # the header's Moderation link
        # Each status has its colour in static/css/community.css.
        status_classes = {status: f"status-{status}" for status in Post.Status.values}
        register_status_badges(Post, status_classes)
        register_status_badges(StatusChange, status_classes, field="new_status")
