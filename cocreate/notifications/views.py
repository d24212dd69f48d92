from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .selectors import notifications_for
from .services import notifications_mark_read


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(notifications_for(request.user, unread_only=unread_only), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read and follow its link."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(recipient=request.user, ids=[notification.pk])
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications:list"
    return redirect(target or "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_read(recipient=request.user)
    return redirect("notifications:list")
