from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditLogEntry, DataExport, User
from .roles import Role
from .services import account_delete, data_export_request


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff assign roles here through the Groups field, and run a person's data rights: their
    export (the link is e-mailed to them) and their account's deletion (docs/accounts.md)."""

    list_display = ("username", "email", "display_name", "roles", "is_staff", "date_joined")
    list_filter = ("groups", "is_staff", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("display_name", "bio", "language", "time_zone")}),
        (_("Account deleted"), {"fields": ("erased_at",)}),
    )
    readonly_fields = ("erased_at",)
    actions = ["export_personal_data", "delete_account"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user):
        names = (group.name for group in user.groups.all())
        return ", ".join(sorted(str(Role(n).label) if n in Role.values else n for n in names))

    @admin.action(description=_("Export this person's data"), permissions=["change"])
    def export_personal_data(self, request, queryset):
        for person in queryset:
            try:
                data_export_request(user=person, requested_by=request.user)
            except ValidationError as error:
                self._refused(request, person, error)
            else:
                self.message_user(
                    request,
                    gettext("The data of %(person)s is being gathered; the link goes to them.")
                    % {"person": person.username},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Delete this person's account"), permissions=["change"])
    def delete_account(self, request, queryset):
        """Asks first (a page listing the people); then erases each, or says why not."""
        if not request.POST.get("confirmed"):
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Delete these accounts?"),
                "people": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/accounts/user/delete_account.html", context)
        for person in queryset:
            username = person.username
            try:
                account_delete(user=person, actor=request.user)
            except ValidationError as error:
                self._refused(request, person, error)
            else:
                self.message_user(
                    request,
                    gettext("The account of %(person)s was deleted.") % {"person": username},
                    messages.SUCCESS,
                )
        return None

    def _refused(self, request, person, error: ValidationError) -> None:
        self.message_user(
            request,
            f"{person.username}: {' '.join(error.messages)}",
            messages.ERROR,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyAdmin):
    """Who did what with whose personal data: read-only."""

    list_display = ("created_at", "action", "subject_username", "actor", "detail")
    list_filter = ("action",)
    search_fields = ("subject__username", "actor__username", "detail")
    date_hierarchy = "created_at"
    list_select_related = ("subject", "actor")

    @admin.display(description=_("whose data"), ordering="subject__username")
    def subject_username(self, entry):
        return entry.subject.username


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ("user", "requested_by", "status", "progress", "created_at", "used_at")
    list_filter = ("status",)
    list_select_related = ("user", "requested_by")
    exclude = ("token_hash",)
