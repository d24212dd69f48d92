"""Collaboration projects: the list, a project's page, starting and changing one, and the
invitations that bring a partner in (invite, answer, withdraw)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cocreate.core.forms import add_service_errors
from cocreate.core.ratelimit import RateLimited

from .. import permissions, selectors, services
from ..forms import (
    ProjectFilterForm,
    ProjectForm,
    ProjectInviteForm,
)
from ..models import CollaborationProject, ProjectInvitation
from ._common import _refused
from .project_work import workspace_context


def project_list(request):
    form = ProjectFilterForm(request.GET)
    form.is_valid()  # an unknown kind or status is ignored
    kind = form.cleaned_data.get("kind", "")
    status = form.cleaned_data.get("status", "")
    projects = selectors.project_list(user=request.user, kind=kind, status=status)
    page = Paginator(projects, 20).get_page(request.GET.get("page"))
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
        project = selectors.project_for_page(slug=slug, user=request.user)
    except CollaborationProject.DoesNotExist:
        raise Http404 from None
    if not project.readable:
        # A private project's invitee sees its summary on the invitation, to decide.
        invitations = selectors.my_open_project_invitations(request.user, project)
        if not invitations:
            raise Http404
        return redirect(services.project_invitation_url(invitations[0]))
    can_manage = permissions.can_manage_project(request.user, project)
    return render(
        request,
        "partners/project_detail.html",
        {
            "project": project,
            "can_manage": can_manage,
            **_invitations_context(request, project),
            **workspace_context(request, project),
        },
    )


def _invitations_context(request, project, *, invite_form=None) -> dict:
    """What the invitations panel (partners/_project_invitations.html) shows: for managers the
    open invitations and the invite form, for an invited partner's owners their invitation."""
    if not request.user.is_authenticated:
        return {}
    if permissions.can_manage_project(request.user, project):
        return {
            "open_invitations": list(selectors.open_project_invitations(project)),
            "invite_form": invite_form or ProjectInviteForm(project=project),
            "invite_candidates": selectors.project_invite_candidates(project)[:INVITE_SUGGESTIONS],
        }
    return {"my_invitations": selectors.my_open_project_invitations(request.user, project)}


# The invite form suggests at most this many partners' names (typing any other name works).
INVITE_SUGGESTIONS = 300


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
        except RateLimited as error:
            return _rate_limited(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was created."))
            _say_who_was_invited(request, project)
            return redirect(project)
    return render(request, "partners/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, slug):
    project = _visible_project_or_404(request, slug)
    try:
        services.project_require_manager(user=request.user, project=project)
    except PermissionDenied as error:
        return _refused(request, error, back_url=project.get_absolute_url())
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **_project_fields(form))
        except RateLimited as error:
            return _rate_limited(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            _say_who_was_invited(request, project)
            return redirect(project)
    return render(request, "partners/project_form.html", {"form": form, "project": project})


def _say_who_was_invited(request, project) -> None:
    names = [invitation.partner.name for invitation in selectors.open_project_invitations(project)]
    if names:
        messages.info(
            request,
            _("Invited: %(names)s. Each joins the project when one of its owners accepts.")
            % {"names": ", ".join(names)},
        )


def _visible_project_or_404(request, slug) -> CollaborationProject:
    project = selectors.projects_visible_to(request.user).filter(slug=slug).first()
    if project is None:
        raise Http404
    return project


def _rate_limited(request, error: RateLimited):
    response = render(
        request,
        "partners/refused.html",
        {
            "message": _("You sent many invitations in a short time. Try again later."),
            "back_url": request.path,
        },
        status=429,
    )
    response["Retry-After"] = str(error.wait)
    return response


@login_required
def project_invite(request, slug):
    """Managers invite a partner (the form is on the project page; errors show here)."""
    project = _visible_project_or_404(request, slug)
    try:
        services.project_require_manager(user=request.user, project=project)
    except PermissionDenied as error:
        return _refused(request, error, back_url=project.get_absolute_url())
    form = ProjectInviteForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.project_invite(
                project=project,
                partner=form.cleaned_data["partner"],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except RateLimited as error:
            return _rate_limited(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is invited. It joins the project when one of its owners accepts.")
                % {"name": invitation.partner.name},
            )
            return redirect(f"{project.get_absolute_url()}#invitations")
    return render(
        request,
        "partners/project_invite.html",
        {"project": project, **_invitations_context(request, project, invite_form=form)},
        status=400 if form.errors else 200,
    )


def _invitation_or_404(request, slug, pk) -> ProjectInvitation:
    invitation = get_object_or_404(
        ProjectInvitation.objects.select_related("project", "partner", "invited_by", "decided_by"),
        pk=pk,
        project__slug=slug,
    )
    if not permissions.can_see_project_invitation(request.user, invitation):
        raise Http404
    return invitation


@login_required
def project_invitation(request, slug, pk):
    """The invited partner's owners read the project's summary and accept or decline."""
    invitation = _invitation_or_404(request, slug, pk)
    project = invitation.project
    if request.method == "POST":
        answer = request.POST.get("answer")
        service = {
            "accept": services.project_invitation_accept,
            "decline": services.project_invitation_decline,
        }.get(answer)
        if service is None:
            messages.error(request, _("Choose Accept or Decline."))
            return redirect(request.path)
        try:
            service(invitation=invitation, by=request.user)
        except PermissionDenied as error:
            return _refused(request, error, back_url=request.path)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        if answer == "accept":
            messages.success(
                request,
                _("%(name)s is on the project now.") % {"name": invitation.partner.name},
            )
            return redirect(project)
        messages.info(request, _("You declined the invitation."))
        return redirect(request.path)
    return render(
        request,
        "partners/project_invitation.html",
        {
            "invitation": invitation,
            # What the invitee decides on: shown whether the project is public or not.
            "project": selectors.project_summary(pk=project.pk),
            "refusal": services.project_answer_refusal(invitation, request.user),
            "can_read_project": permissions.can_read_project(request.user, project),
        },
    )


@login_required
def project_invitation_withdraw(request, slug, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    invitation = _invitation_or_404(request, slug, pk)
    try:
        services.project_invitation_withdraw(invitation=invitation, by=request.user)
    except PermissionDenied as error:
        return _refused(request, error, back_url=invitation.project.get_absolute_url())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(name)s was withdrawn.") % {"name": invitation.partner.name},
        )
    return redirect(f"{invitation.project.get_absolute_url()}#invitations")
