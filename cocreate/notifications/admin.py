from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at", "digest")
    list_filter = ("kind", "digest")
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """What people chose where it differs from a group's default (docs/notifications.md)."""

    list_display = ("user", "group", "delivery", "updated_at")
    list_filter = ("group", "delivery")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
    list_select_related = ("user",)
