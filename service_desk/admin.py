import os

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cocreate.core.markup import render_markdown

from .mail.receiving import inbound_mail_discard, inbound_mail_retry
from .models import (
    BulkAction,
    CannedResponse,
    Carrier,
    Deflection,
    FailedMail,
    InboundMail,
    KnowledgeArticle,
    Macro,
    Mailbox,
    Shipment,
    ShipmentUpdate,
    SlaPolicy,
    Tag,
    Ticket,
    TicketEvent,
    TicketMessage,
    TriggerRule,
    TriggerRuleProduct,
)
from .placeholders import PLACEHOLDERS
from .selectors import desk_agents
from .services.triggers import rule_problems


def placeholder_help():
    """The placeholders a reply may use and what each stands for, for the admin's forms."""
    return format_html(
        "{}<ul>{}</ul>",
        _("A reply may use these placeholders; the desk fills them in for each ticket:"),
        format_html_join(
            "",
            "<li><code>{{{}}}</code> {}</li>",
            ((name, label) for name, (label, _read) in PLACEHOLDERS.items()),
        ),
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


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    """Macros the desk applies; an unknown placeholder in the reply is refused (Macro.clean)."""

    list_display = ("title", "set_status", "set_priority", "assign", "active", "updated_at")
    list_filter = ("active", "set_status", "set_priority")
    search_fields = ("title", "reply")
    filter_horizontal = ("add_tags",)
    autocomplete_fields = ("assign_to",)
    readonly_fields = ("placeholders",)
    fieldsets = (
        (None, {"fields": ("title", "active", "reply", "placeholders")}),
        (
            _("What it changes"),
            {"fields": ("set_status", "set_priority", "assign", "assign_to", "add_tags")},
        ),
    )

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        return placeholder_help()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class TriggerRuleProductInline(admin.TabularInline):
    model = TriggerRuleProduct
    extra = 0
    autocomplete_fields = ("product",)


class TriggerRuleForm(forms.ModelForm):
    class Meta:
        model = TriggerRule
        fields = [
            "name", "active", "position", "event", "category", "priority", "language",
            "channel", "subject_words", "assign_to", "set_priority", "add_tags",
            "notify_assignee", "notify_agents",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if not (
            data.get("assign_to")
            or data.get("set_priority") is not None
            or data.get("add_tags")
            or data.get("notify_assignee")
            or data.get("notify_agents")
        ):
            raise forms.ValidationError(_("Choose at least one action: the rule does nothing."))
        return data


@admin.register(TriggerRule)
class TriggerRuleAdmin(admin.ModelAdmin):
    """Trigger rules run on tickets as they are filed or changed (services/triggers.py). A rule
    that cannot run as set up (a deleted product, an assignee who is no longer an agent) is
    skipped on tickets: the list and the form say why."""

    form = TriggerRuleForm
    list_display = ("name", "position", "event", "active", "problems")
    list_editable = ("position", "active")
    list_filter = ("active", "event")
    search_fields = ("name", "subject_words")
    filter_horizontal = ("add_tags", "notify_agents")
    autocomplete_fields = ("assign_to",)
    inlines = [TriggerRuleProductInline]
    fieldsets = (
        (None, {"fields": ("name", "active", "position", "event")}),
        (
            _("When all of these hold (empty: any)"),
            {
                "fields": ("category", "priority", "language", "channel", "subject_words"),
                "description": _("The products below too: the ticket's product is any of them."),
            },
        ),
        (
            _("Then"),
            {
                "fields": (
                    "assign_to",
                    "set_priority",
                    "add_tags",
                    "notify_assignee",
                    "notify_agents",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related("products").select_related("assign_to")
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "notify_agents":
            kwargs["queryset"] = desk_agents()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("problems"))
    def problems(self, rule):
        found = rule_problems(rule)
        if not found:
            return "—"
        return format_html(
            '<strong style="color: var(--error-fg)">{}</strong>',
            "; ".join(str(problem) for problem in found),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rule = self.get_object(request, object_id)
        if request.method == "GET" and rule is not None:
            for problem in rule_problems(rule):
                messages.warning(
                    request,
                    _("This rule is skipped on tickets: %(problem)s.") % {"problem": problem},
                )
        return super().change_view(request, object_id, form_url, extra_context)


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


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "tracking_url", "active")
    list_filter = ("active",)
    search_fields = ("name", "code", "aliases")


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ("article", "product", "user", "created_at")
    list_select_related = ("article", "product", "user")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    """The password is never here: `password_env` names the environment variable holding it."""

    list_display = ("name", "address", "active", "host", "product", "last_fetched_at", "last_error")
    list_filter = ("active",)
    readonly_fields = ("last_fetched_at", "last_error")
    fieldsets = (
        (None, {"fields": ("name", "address", "active")}),
        (_("IMAP"), {"fields": ("host", "port", "security", "username", "password_env", "folder")}),
        (_("New tickets"), {"fields": ("product", "category", "language")}),
        (_("Last run"), {"fields": ("last_fetched_at", "last_error")}),
    )

    def save_model(self, request, obj, form, change):
        if obj.password_env and obj.password_env not in os.environ:
            messages.warning(
                request,
                _("The environment variable %(name)s is not set: the mailbox cannot log in.")
                % {"name": obj.password_env},
            )
        super().save_model(request, obj, form, change)


class _ReceivedMailAdmin(admin.ModelAdmin):
    """Received mail is a record: read, downloaded (.eml), never edited."""

    list_display = ("received_at", "mailbox", "sender", "subject", "status", "ticket", "reason")
    list_filter = ("status", "mailbox")
    search_fields = ("sender", "subject", "message_key")
    fields = (
        "received_at",
        "mailbox",
        "message_key",
        "sender",
        "subject",
        "size",
        "status",
        "reason",
        "attempts",
        "ticket",
        "original",
    )
    readonly_fields = fields
    list_select_related = ("mailbox", "ticket")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("original"))
    def original(self, mail):
        if mail.status == InboundMail.Status.DISCARDED:
            return "—"
        return format_html('<a href="{}">{}</a>', mail.get_download_url(), _("Download .eml"))


@admin.register(InboundMail)
class InboundMailAdmin(_ReceivedMailAdmin):
    pass


@admin.register(FailedMail)
class FailedMailAdmin(_ReceivedMailAdmin):
    """Mail that became nothing, with the reason: retried once its cause is fixed, or
    discarded."""

    list_filter = ("mailbox",)
    actions = ("retry", "discard")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=InboundMail.Status.FAILED)

    @admin.action(description=_("Retry the selected messages"))
    def retry(self, request, queryset):
        outcomes = [inbound_mail_retry(mail=mail).status for mail in queryset]
        still = outcomes.count(InboundMail.Status.FAILED)
        self.message_user(
            request,
            _("%(done)d retried: %(ok)d processed, %(failed)d failed again.")
            % {"done": len(outcomes), "ok": len(outcomes) - still, "failed": still},
            messages.SUCCESS if not still else messages.WARNING,
        )

    @admin.action(description=_("Discard the selected messages"))
    def discard(self, request, queryset):
        for mail in queryset:
            inbound_mail_discard(mail=mail)
        self.message_user(request, _("Discarded."), messages.SUCCESS)


@admin.register(BulkAction)
class BulkActionAdmin(admin.ModelAdmin):
    """Who ran which bulk action from the queue, on how many tickets, with what result: a
    record, read only; each ticket's result is on the action's page in the desk."""

    list_display = ("created_at", "actor", "action", "total", "done_count", "refused_count")
    list_filter = ("action",)
    readonly_fields = [field.name for field in BulkAction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
