"""The work in a collaboration project on its page: updates, milestones, files, the timeline.

Only staff and the members of the project's accepted partners see or add to it. Anyone else
gets 404 for the work's URLs (it never leaves the project), a member of a suspended partner
403 with the reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreate.core.forms import add_service_errors
from cocreate.core.i18n import supported_language
from cocreate.core.ratelimit import RateLimited
from cocreate.core.uploads import private_file_response

from .. import permissions, selectors, services
from ..forms import MilestoneForm, MilestoneStatusForm, ProjectFileForm, ProjectUpdateForm
from ..models import CollaborationProject, Milestone, ProjectFile
from ._common import _refused

UPDATES_PER_PAGE = 20
FILES_SHOWN = 50


def _reader_language(request) -> str:
    return supported_language(translation.get_language()) or "en"


def _zone_name() -> str:
    return timezone.localtime().tzname() or ""


def workspace_context(
    request,
    project: CollaborationProject,
    *,
    update_form=None,
    milestone_form=None,
    file_form=None,
) -> dict:
    """What the project's page shows of the work: all of it for those who work in it, for
    anyone else only whether they may (`can_work`)."""
    try:
        services.project_require_worker(user=request.user, project=project)
    except services.NotOnProject:
        return {"can_work": False, "work_refusal": None}  # the page says the work is private
    except PermissionDenied as refusal:  # a member of a suspended partner reads why
        return {"can_work": False, "work_refusal": refusal.args[0]}
    language = _reader_language(request)
    updates = Paginator(selectors.updates_for_reader(project, language), UPDATES_PER_PAGE).get_page(
        request.GET.get("updates")
    )
    milestones = list(selectors.project_milestones(project))
    now = timezone.now()
    for milestone in milestones:
        milestone.overdue = milestone.is_open and milestone.due_at < now
    return {
        "can_work": True,
        "reader_language": language,
        "zone_name": _zone_name(),
        "updates_page": updates,
        "updates_mine": [u for u in updates if u.in_reader_language],
        "updates_other": [u for u in updates if not u.in_reader_language],
        "milestones": milestones,
        "milestone_statuses": Milestone.Status,
        "files": list(selectors.project_files(project)[:FILES_SHOWN]),
        "timeline": selectors.project_timeline(project),
        "update_form": update_form or ProjectUpdateForm(initial={"language": language}),
        "milestone_form": milestone_form or MilestoneForm(zone_name=_zone_name()),
        "file_form": file_form or _file_form(project, milestones),
    }


def _file_form(project, milestones, *args, **kwargs):
    form = ProjectFileForm(*args, project=project, **kwargs)
    if milestones is not None:  # the page's list: no second query for the select
        form.fields["milestone"].choices = [("", _("None"))] + [
            (milestone.pk, milestone.title) for milestone in milestones
        ]
    return form


def _render_page(request, project, *, status=200, **forms):
    return render(
        request,
        "partners/project_detail.html",
        {
            "project": project,
            "can_manage": permissions.can_manage_project(request.user, project),
            **workspace_context(request, project, **forms),
        },
        status=status,
    )


def _project_to_work_in(request, slug):
    """The project, if `request.user` works in it; 404 for anyone outside it, and a 403 page
    (returned, not raised) with the reason for a member of a suspended partner."""
    try:
        project = selectors.project_for_page(slug=slug, user=request.user)
    except CollaborationProject.DoesNotExist:
        raise Http404 from None
    try:
        services.project_require_worker(user=request.user, project=project)
    except services.NotOnProject:
        raise Http404 from None
    except PermissionDenied as refusal:
        return project, _refused(request, refusal, back_url=project.get_absolute_url())
    return project, None


def _too_fast(request, project, wait: int):
    messages.error(
        request,
        _("You are posting too fast; try again in %(seconds)d seconds.") % {"seconds": wait},
    )
    response = _render_page(request, project, status=429)
    response["Retry-After"] = str(wait)
    return response


@login_required
@require_POST
def project_update_post(request, slug):
    project, refused = _project_to_work_in(request, slug)
    if refused:
        return refused
    form = ProjectUpdateForm(request.POST)
    if form.is_valid():
        try:
            update = services.project_update_post(
                project=project, author=request.user, **form.cleaned_data
            )
        except RateLimited as limited:
            return _too_fast(request, project, limited.wait)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your update was posted."))
            return redirect(f"{project.get_absolute_url()}#update-{update.pk}")
    return _render_page(request, project, status=400, update_form=form)


@login_required
@require_POST
def project_milestone_add(request, slug):
    project, refused = _project_to_work_in(request, slug)
    if refused:
        return refused
    form = MilestoneForm(request.POST, zone_name=_zone_name())
    if form.is_valid():
        try:
            milestone = services.milestone_add(
                project=project, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect(f"{project.get_absolute_url()}#milestone-{milestone.pk}")
    return _render_page(request, project, status=400, milestone_form=form)


@login_required
@require_POST
def project_milestone_change(request, slug, pk):
    project, refused = _project_to_work_in(request, slug)
    if refused:
        return refused
    milestone = get_object_or_404(Milestone, project=project, pk=pk)
    form = MilestoneStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the milestone's statuses."))
        return redirect(f"{project.get_absolute_url()}#milestone-{milestone.pk}")
    try:
        services.milestone_change(milestone=milestone, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The milestone was changed."))
    return redirect(f"{project.get_absolute_url()}#milestone-{milestone.pk}")


@login_required
@require_POST
def project_file_share(request, slug):
    project, refused = _project_to_work_in(request, slug)
    if refused:
        return refused
    form = _file_form(project, None, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.project_file_share(project=project, by=request.user, **form.cleaned_data)
        except RateLimited as limited:
            return _too_fast(request, project, limited.wait)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file was shared with the project."))
            return redirect(f"{project.get_absolute_url()}#files")
    return _render_page(request, project, status=400, file_form=form)


def project_file(request, slug, pk):
    """A project's file, to staff and the members of its partners only; 404 for anyone else."""
    shared = get_object_or_404(
        ProjectFile.objects.select_related("project"), project__slug=slug, pk=pk
    )
    if not permissions.can_work_in_project(request.user, shared.project):
        raise Http404
    return private_file_response(
        shared.file, filename=shared.filename, content_type=shared.content_type
    )
