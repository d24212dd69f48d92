from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import WebhookEndpointForm
from .models import WebhookDelivery, WebhookEndpoint
from .services import may_use_webhooks, webhook_endpoint_create

RECENT_DELIVERIES = 10


def _require_webhook_user(user):
    if not may_use_webhooks(user):
        raise PermissionDenied


@login_required
def endpoint_list(request):
    _require_webhook_user(request.user)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        webhook_endpoint_create(owner=request.user, **form.cleaned_data)
        messages.success(request, _("The webhook endpoint was added."))
        return redirect("webhooks:list")
    endpoints = WebhookEndpoint.objects.filter(owner=request.user).prefetch_related(
        Prefetch(
            "deliveries",
            queryset=WebhookDelivery.objects.order_by("-created_at", "-id"),
            to_attr="all_deliveries",
        )
    )
    for endpoint in endpoints:
        endpoint.recent_deliveries = endpoint.all_deliveries[:RECENT_DELIVERIES]
    return render(request, "webhooks/list.html", {"form": form, "endpoints": endpoints})


@login_required
@require_POST
def endpoint_delete(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk, owner=request.user)
    endpoint.delete()
    messages.success(request, _("The webhook endpoint was removed."))
    return redirect("webhooks:list")
