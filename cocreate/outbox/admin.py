from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What waits for the broker: rows here older than a minute mean Celery's broker is down."""

    list_display = ("task", "created_at", "attempts", "last_error")
    list_filter = ("task",)
    readonly_fields = ("task", "args", "kwargs", "created_at", "attempts", "last_error")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
