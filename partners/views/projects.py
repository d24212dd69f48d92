"""Collaboration projects: the list, a project's page, starting and changing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cocreate.core.forms import add_service_errors

from .. import permissions, selectors, services
from ..forms import (
    ProjectFilterForm,
    ProjectForm,
)
from ..models import CollaborationProject
from ._common import _refused
from .project_work import workspace_context


def project_list(request):
    form = ProjectFilterForm(request.GET)
    form.is_valid()  # an unknown kind or status is ignored
    kind = form.cleaned_data.get("kind", "")
    status = form.cleaned_data.get("status", "")
    page = Paginator(selectors.project_list(kind=kind, status=status), 20).get_page(
        request.GET.get("page")
    )
    can_create = permissions.can_create_project(request.user)
    return render(
        request,
        "partners/project_list.html",
        {
            "page": page,
            "form": form,
            "can_create": can_create,
        },
    )


def project_detail(request, slug):
    try:
        project = selectors.project_for_page(slug=slug)
    except CollaborationProject.DoesNotExist:
        raise Http404 from None
    can_manage = permissions.can_manage_project(request.user, project)
    return render(
        request,
        "partners/project_detail.html",
        {"project": project, "can_manage": can_manage, **workspace_context(request, project)},
    )


def _project_fields(form) -> dict:
    data = dict(form.cleaned_data)
    return {"partners": list(data.pop("partners")), "products": list(data.pop("products")), **data}


@login_required
def project_create(request):
    try:
        services.project_require_creator(user=request.user)
    except PermissionDenied as error:
        return _refused(request, error, back_url=reverse("partners:projects"))
    # The organisations the service lets them start a project for, chosen to begin with.
    owned = permissions.acting_ownerships(request.user).values_list("partner_id", flat=True)
    form = ProjectForm(
        request.POST or None, initial={"partners": list(owned), "kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(created_by=request.user, **_project_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was created."))
            return redirect(project)
    return render(request, "partners/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, slug):
    project = get_object_or_404(CollaborationProject, slug=slug)
    try:
        services.project_require_manager(user=request.user, project=project)
    except PermissionDenied as error:
        return _refused(request, error, back_url=project.get_absolute_url())
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **_project_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "partners/project_form.html", {"form": form, "project": project})
