from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import WebhookEndpointForm
from .models import WebhookEndpoint
from .permissions import may_use_webhooks
from .selectors import webhook_endpoints_with_recent_deliveries
from .services import webhook_endpoint_create


@login_required
def endpoint_list(request):
    may_use = may_use_webhooks(request.user)
    form = WebhookEndpointForm(request.POST or None) if may_use else None
    if form is not None and request.method == "POST" and form.is_valid():
        webhook_endpoint_create(owner=request.user, **form.cleaned_data)
        messages.success(request, _("The webhook endpoint was added."))
        return redirect("webhooks:list")
    endpoints = webhook_endpoints_with_recent_deliveries(owner=request.user)
    # Someone who lost the partner role still sees (and may remove) their endpoints, and is told
    # that they receive nothing; they cannot add one.
    if not may_use and (not endpoints or request.method == "POST"):
        raise PermissionDenied
    return render(
        request,
        "webhooks/list.html",
        {"form": form, "endpoints": endpoints, "receives_events": may_use},
    )


@login_required
@require_POST
def endpoint_delete(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk, owner=request.user)
    endpoint.delete()
    messages.success(request, _("The webhook endpoint was removed."))
    return redirect("webhooks:list")
