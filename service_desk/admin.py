from django.contrib import admin

from cocreate.core.markdown import render_markdown

from .models import (
    CannedResponse,
    Deflection,
    KnowledgeArticle,
    Shipment,
    ShipmentUpdate,
    SlaPolicy,
    Ticket,
    TicketEvent,
    TicketMessage,
)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "priority", "category", "first_response_minutes", "resolution_minutes")
    list_filter = ("priority", "category")


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "created_at")
    list_filter = ("category",)
    search_fields = ("title", "body")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    fields = ("author", "internal", "body", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("created_at", "actor", "kind", "old_value", "new_value")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: tickets are worked at /desk/, where every change is audited."""

    list_display = ("number", "subject", "customer", "product", "status", "priority", "sla_state")
    list_filter = ("status", "priority", "category", "sla_state")
    search_fields = ("number", "subject", "customer__username")
    list_select_related = ("customer", "product")
    raw_id_fields = ("customer", "product", "registration", "assignee")
    readonly_fields = [field.name for field in Ticket._meta.fields if field.name != "id"]
    inlines = [TicketMessageInline, TicketEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "product", "category", "status", "helpful_count", "not_helpful_count")
    list_filter = ("status", "category")
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("source_ticket",)
    exclude = ("search_vector",)
    readonly_fields = ("helpful_count", "not_helpful_count")

    def save_model(self, request, obj, form, change):
        obj.body_html = render_markdown(obj.body)
        super().save_model(request, obj, form, change)


class ShipmentUpdateInline(admin.TabularInline):
    model = ShipmentUpdate
    extra = 0
    readonly_fields = ("status", "note", "actor", "created_at")
    can_delete = False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "carrier", "direction", "status", "ticket")
    list_filter = ("status", "direction", "carrier")
    search_fields = ("tracking_number",)
    raw_id_fields = ("ticket",)
    inlines = [ShipmentUpdateInline]


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ("article", "product", "user", "created_at")
    list_select_related = ("article", "product", "user")
