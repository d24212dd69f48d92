"""Applying to be listed, and staff's review of the applications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cocreate.core.forms import add_service_errors
from cocreate.core.ratelimit import RateLimit, rate_limit_hit

from .. import selectors, services
from ..forms import (
    ApplicationForm,
    DecisionForm,
)
from ..models import Application

APPLY_RATE = RateLimit(5, 3600)


@login_required
def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = rate_limit_hit(key=f"partners.apply:{request.user.pk}", rate=APPLY_RATE)
        if wait:
            messages.error(request, _("Too many applications. Try again later."))
            return redirect("partners:apply")
        try:
            services.application_submit(applicant=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Staff will review your application and notify you of the decision."),
            )
            return redirect("partners:apply")
    applications = selectors.applications_of(request.user)
    return render(request, "partners/apply.html", {"form": form, "applications": applications})


def _staff_only(request) -> None:
    """Pages for staff are 404 to everyone else: they should not learn these exist."""
    if not request.user.is_authenticated or not request.user.is_staff:
        raise Http404


def application_queue(request):
    _staff_only(request)
    status = request.GET.get("status", Application.Status.PENDING)
    if status not in Application.Status.values:
        status = Application.Status.PENDING
    page = Paginator(selectors.application_queue(status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "partners/application_queue.html",
        {"page": page, "status": status, "statuses": Application.Status.choices},
    )


def application_review(request, pk):
    _staff_only(request)
    application = get_object_or_404(
        Application.objects.select_related("applicant", "decided_by", "partner"), pk=pk
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and application.is_pending and form.is_valid():
        decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
        try:
            if decision == DecisionForm.APPROVE:
                partner = services.application_approve(
                    application=application, decided_by=request.user, message=message
                )
                messages.success(
                    request, _("%(name)s is now an active partner.") % {"name": partner.name}
                )
            else:
                services.application_reject(
                    application=application, decided_by=request.user, message=message
                )
                messages.success(request, _("The application was rejected."))
        except services.AlreadyDecided:
            messages.warning(request, _("Someone decided this application in the meantime."))
        except ValidationError as error:
            add_service_errors(form, error)
            return render(
                request,
                "partners/application_review.html",
                {"application": application, "form": form},
            )
        return redirect("partners:application_queue")
    return render(
        request, "partners/application_review.html", {"application": application, "form": form}
    )
