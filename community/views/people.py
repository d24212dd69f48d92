"""People: a member's public page, with their reputation, credits and posts; what one follows."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cocreate.core.db_routing import replica_reads

from .. import selectors
from ..models import REPUTATION_POINTS, ReputationEvent

PROFILE_PAGE_SIZE = 20


@require_GET
@replica_reads
def profile(request, username):
    """A member's public page: reputation (total, by kind, latest lines) and posts."""
    person = get_object_or_404(get_user_model(), username=username, is_active=True)
    page = Paginator(selectors.posts_by_author(person, request.user), PROFILE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.decorate_posts(list(page.object_list), request.user)
    return render(
        request,
        "community/profile.html",
        {
            "person": person,
            "reputation": selectors.reputation_of(person),
            "breakdown": selectors.reputation_breakdown(person),
            "recent_events": selectors.reputation_recent(person),
            "credits": selectors.credited_generations(person),
            "points": {
                "vote": REPUTATION_POINTS[ReputationEvent.Kind.VOTE_RECEIVED],
                "planned": REPUTATION_POINTS[ReputationEvent.Kind.IDEA_PLANNED],
                "adopted": REPUTATION_POINTS[ReputationEvent.Kind.IDEA_ADOPTED],
            },
            "page": page,
        },
    )


@login_required
@require_GET
@replica_reads
def following(request):
    """What the person follows: the communities, and the posts, most recently active first."""
    page = Paginator(selectors.followed_posts(request.user), PROFILE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "community/following.html",
        {"communities": selectors.followed_communities(request.user), "page": page},
    )
