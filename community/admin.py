from django.contrib import admin

from .models import (
    Comment,
    Credit,
    Flag,
    Post,
    PostPart,
    ProductFollow,
    ReputationEvent,
    StatusChange,
    Tag,
)


class PostPartInline(admin.TabularInline):
    model = PostPart
    extra = 0
    autocomplete_fields = ["part"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read and inspect; votes, counters and moderation go through the site (services)."""

    list_display = ["title", "product", "kind", "status", "vote_count", "comment_count",
                    "flag_count", "is_hidden", "is_locked", "is_deleted", "created_at"]  # fmt: skip
    list_filter = ["kind", "status", "is_hidden", "is_locked", "is_deleted", "product__line"]
    search_fields = ["title", "author__username"]
    list_select_related = ["product", "author"]
    raw_id_fields = ["author", "duplicate_of"]
    readonly_fields = ["vote_count", "comment_count", "flag_count", "body_html", "created_at",
                       "updated_at", "last_activity_at"]  # fmt: skip
    inlines = [PostPartInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["post", "author", "is_official", "is_hidden", "created_at"]
    list_select_related = ["post", "author"]
    raw_id_fields = ["post", "author"]
    readonly_fields = ["body_html"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "reason", "resolution", "created_at"]
    list_filter = ["reason", "resolution"]
    list_select_related = ["post", "reporter"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(ReputationEvent)
class ReputationEventAdmin(admin.ModelAdmin):
    """The ledger is append-only: lines are shown, never edited here."""

    list_display = ["user", "kind", "points", "post", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["user", "post"]
    search_fields = ["user__username"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["post", "old_status", "new_status", "author", "created_at"]
    list_select_related = ["post", "author"]
    raw_id_fields = ["post", "author"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    """Written by a generation's release (community/releases.py); read here, not edited."""

    list_display = ("user", "post", "product", "role", "created_at")
    list_filter = ("role", "product")
    list_select_related = ("user", "post", "product")
    search_fields = ("user__username", "post__title", "product__name")
    raw_id_fields = ("user", "post", "via")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProductFollow)
class ProductFollowAdmin(admin.ModelAdmin):
    list_display = ("user", "product", "created_at")
    list_filter = ("product",)
    search_fields = ("user__username", "product__name")
    raw_id_fields = ("user",)
    list_select_related = ("user", "product")
