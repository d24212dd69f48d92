from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cocreate.accounts.selectors import has_verified_email
from cocreate.core.dates import exact
from cocreate.core.forms import add_service_errors

from .forms import PreferencesForm
from .models import Notification
from .selectors import notifications_for, preferences_of
from .services import notification_preferences_set, notifications_mark_read


@dataclass
class Day:
    label: str
    date: date
    notifications: list[Notification]


def _day_label(day: date, today: date) -> str:
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return exact(day)


def _days(notifications) -> list[Day]:
    """Newest first notifications under the day they arrived in the reader's time zone."""
    today = timezone.localdate()
    days: list[Day] = []
    for notification in notifications:
        day = timezone.localdate(notification.created_at)
        if not days or days[-1].date != day:
            days.append(Day(_day_label(day, today), day, []))
        days[-1].notifications.append(notification)
    return days


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(notifications_for(request.user, unread_only=unread_only), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "days": _days(page), "unread_only": unread_only},
    )


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
    marked = notifications_mark_read(recipient=request.user)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                marked,
            )
            % {"count": marked},
        )
    else:
        messages.info(request, _("Nothing to mark: all your notifications are read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    """How the person hears of each group of notifications: in the app, e-mail, a digest."""
    form = PreferencesForm(request.POST or None, preferences=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_set(user=request.user, deliveries=form.deliveries())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "can_email": has_verified_email(request.user),
            "digest_time": time(hour=settings.NOTIFICATION_DIGEST_HOUR),
        },
        status=400 if form.errors else 200,
    )
