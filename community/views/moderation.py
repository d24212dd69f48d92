"""Moderation: hide, restore, lock, merge posts, hide comments, and the queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import permissions, selectors, services
from ..forms import MergeForm
from ..models import Comment, Post
from ._common import _back, _error_text, _post_or_404

MODERATION_PAGE_SIZE = 25


def _require_moderator(request) -> None:
    if not permissions.can_moderate(request.user):
        raise Http404


@login_required
@require_POST
def post_moderate(request, product_slug, pk):
    """hide / restore / lock / unlock, by a moderator."""
    _require_moderator(request)
    post = _post_or_404(request, product_slug, pk)
    action = request.POST.get("action", "")
    actions = {
        "hide": (services.post_hide, {}, _("The post is hidden.")),
        "restore": (services.post_restore, {}, _("The post is visible again; flags dismissed.")),
        "lock": (services.post_lock, {"locked": True}, _("The post is locked.")),
        "unlock": (services.post_lock, {"locked": False}, _("The post is unlocked.")),
    }
    if action not in actions:
        messages.error(request, _("Unknown moderation action."))
        return _back(request, post)
    service, extra, done = actions[action]
    try:
        service(post=post, moderator=request.user, **extra)
    except ValidationError as error:  # the post changed since the page showed it
        messages.error(request, _error_text(error))
        return _back(request, post)
    messages.success(request, done)
    return _back(request, post)


@login_required
@require_POST
def post_merge(request, product_slug, pk):
    _require_moderator(request)
    source = _post_or_404(request, product_slug, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of the post to merge into."))
        return redirect(source)
    target = Post.objects.alive().filter(pk=form.cleaned_data["target"]).first()
    if target is None:
        messages.error(request, _("There is no post with that number."))
        return redirect(source)
    try:
        services.post_merge(
            source=source,
            target=target,
            moderator=request.user,
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(source)
    messages.success(request, _("Merged: votes and followers moved to this post."))
    return redirect(target)


@login_required
@require_POST
def comment_moderate(request, product_slug, pk, comment_pk):
    _require_moderator(request)
    post = _post_or_404(request, product_slug, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, post=post)
    hidden = request.POST.get("hidden") == "1"
    services.comment_hide(comment=comment, moderator=request.user, hidden=hidden)
    messages.success(
        request, _("The comment is hidden.") if hidden else _("The comment is visible again.")
    )
    return _back(request, post)


@login_required
@require_GET
def moderation(request):
    """The moderation queue: flagged posts first, then hidden and locked ones."""
    _require_moderator(request)
    view = request.GET.get("view", "flagged")
    if view not in selectors.MODERATION_VIEWS:
        view = "flagged"
    page = Paginator(selectors.moderation_queue(view), MODERATION_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.moderation_counts()
    tabs = [
        {"value": "flagged", "label": _("Flagged"), "count": counts["flagged"]},
        {"value": "hidden", "label": _("Hidden"), "count": counts["hidden"]},
        {"value": "locked", "label": _("Locked"), "count": counts["locked"]},
    ]
    return render(
        request,
        "community/moderation.html",
        {"page": page, "view": view, "tabs": tabs},
    )
