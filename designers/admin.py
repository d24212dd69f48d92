from django.contrib import admin

from .models import JobState, Poll, PollChoice, ProductTeam, ReviewItem


@admin.register(ProductTeam)
class ProductTeamAdmin(admin.ModelAdmin):
    list_display = ["product", "user", "created_at"]
    list_filter = ["product__line"]
    autocomplete_fields = ["user"]
    list_select_related = ["product", "user"]


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = [
        "post",
        "product",
        "support",
        "score",
        "vote_count",
        "state",
        "assignee",
        "surfaced_at",
    ]
    list_filter = ["state", "product"]
    raw_id_fields = ["post", "assignee"]
    list_select_related = ["post", "product", "assignee"]
    readonly_fields = [
        "surfaced_at",
        "notified_at",
        "decided_at",
        "support_updated_at",
        "milestone_at",
    ]


class PollChoiceInline(admin.TabularInline):
    model = PollChoice
    extra = 0


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["question", "post", "created_at"]
    raw_id_fields = ["post"]
    inlines = [PollChoiceInline]


@admin.register(JobState)
class JobStateAdmin(admin.ModelAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "last_rescored", "last_surfaced"]
