from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import Role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff assign roles here through the Groups field."""

    list_display = ("username", "email", "display_name", "roles", "is_staff", "date_joined")
    list_filter = ("groups", "is_staff", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("display_name", "bio", "language", "time_zone")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user):
        names = (group.name for group in user.groups.all())
        return ", ".join(sorted(str(Role(n).label) if n in Role.values else n for n in names))
