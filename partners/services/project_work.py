"""The work in a collaboration project: updates, milestones and shared files.

Only staff and the members of the project's accepted partners that are not suspended work in it
(`permissions.can_work_in_project`); a member of a suspended partner is told why. Updates and
files count against one rate per person (`partners_project_work`), pages and the API alike.

What the project's state allows: a cancelled or completed project takes no new milestones (its
plan is over); updates and files are still welcome (a final report, the results), and existing
milestones may still be closed.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cocreate.core.dates import exact
from cocreate.core.errors import StateConflict
from cocreate.core.i18n import supported_language
from cocreate.core.markup import render_markdown
from cocreate.core.ratelimit import RateLimit, RateLimited, rate_limit_hit
from cocreate.core.text import validate_single_line
from cocreate.core.uploads import save_with_file_after_commit, validate_attachment
from cocreate.notifications.services import notification_send

from ..models import (
    CollaborationProject,
    Membership,
    Milestone,
    Partner,
    ProjectFile,
    ProjectUpdate,
)
from ..permissions import can_work_in_project, project_memberships
from ._common import _interpolate, _suspended_message

UPDATE_MAX_LENGTH = 10000
CLOSED_PROJECT_STATUSES = (
    CollaborationProject.Status.COMPLETED,
    CollaborationProject.Status.CANCELLED,
)


class ProjectClosed(StateConflict):
    """The project is completed or cancelled: it takes no new milestones (HTTP 409)."""


class NotOnProject(PermissionDenied):
    """`user` is neither staff nor a member of the project's partners: pages and the API answer
    404, so that the work's existence is not disclosed."""


def project_require_worker(*, user, project: CollaborationProject) -> None:
    """Nothing when `user` may work in `project`. NotOnProject for someone outside it;
    PermissionDenied, with the reason they read, for a member of a suspended partner on it."""
    if can_work_in_project(user, project):
        return
    suspended = (
        Membership.objects.filter(
            user=user, partner__projects=project, partner__status=Partner.Status.SUSPENDED
        )
        .select_related("partner")
        .first()
        if user.is_authenticated
        else None
    )
    if suspended is None:
        raise NotOnProject(_("Only staff and the members of the project's partners work in it."))
    raise PermissionDenied(_suspended_message(suspended.partner))


def _partner_of(user, project) -> Partner | None:
    """The organisation `user` works in `project` for: their first membership of its partners;
    None for staff who are no member of any."""
    membership = project_memberships(user, project).select_related("partner").order_by("pk").first()
    return membership.partner if membership else None


def project_work_rate_limit_hit(*, user) -> None:
    """Count one update or file by `user`; RateLimited past `partners_project_work`."""
    rate = RateLimit.parse(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["partners_project_work"]
    )
    wait = rate_limit_hit(key=f"partners:project_work:{user.pk}", rate=rate)
    if wait is not None:
        raise RateLimited(wait)


def project_audience(project: CollaborationProject):
    """Who hears of a project's work: the members of its partners that are not suspended, and
    its creator when staff (one query)."""
    User = get_user_model()
    members = Membership.objects.filter(partner__projects=project).exclude(
        partner__status=Partner.Status.SUSPENDED
    )
    audience = User.objects.filter(is_active=True).filter(
        pk__in=members.values("user_id")
    ) | User.objects.filter(is_active=True, is_staff=True, pk=project.created_by_id or 0)
    return audience.distinct()


def _language_or_default(language, author) -> str:
    if language in (None, ""):
        return (
            supported_language(getattr(author, "language", ""))
            or supported_language(translation.get_language())
            or settings.LANGUAGE_CODE
        )
    valid = {code for code, _name in settings.LANGUAGES}
    if language not in valid:
        raise ValidationError(
            {
                "language": _interpolate(
                    _("Unknown language %(language)s; choose one of %(choices)s."),
                    language=str(language)[:20],
                    choices=", ".join(sorted(valid)),
                )
            },
            code="invalid_language",
        )
    return language


def project_update_validate(*, body: str) -> str:
    """The update's text, stripped; ValidationError (on `body`) when empty or too long."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the update first.")}, code="empty")
    if len(body) > UPDATE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _interpolate(
                    _("An update has at most %(limit)d characters (this one has %(count)d)."),
                    limit=UPDATE_MAX_LENGTH,
                    count=len(body),
                )
            },
            code="too_long",
        )
    return body


@transaction.atomic
def project_update_post(*, project: CollaborationProject, author, body: str, language=None):
    """Post an update in `project`, in `language` (by default the author's own language), and
    tell the project's people (not the author).

    PermissionDenied unless the author works in the project; ValidationError for an empty or
    too long text or an unknown language; RateLimited past the author's rate.
    """
    project_require_worker(user=author, project=project)
    body = project_update_validate(body=body)
    language = _language_or_default(language, author)
    project_work_rate_limit_hit(user=author)
    update = ProjectUpdate.objects.create(
        project=project,
        author=author,
        partner=_partner_of(author, project),
        body=body,
        body_html=render_markdown(body),
        language=language,
    )
    notification_send(
        recipients=project_audience(project).exclude(pk=author.pk),
        kind="partners.project_update",
        title=_interpolate(
            _("%(person)s posted an update in %(project)s"),
            person=author.public_name,
            project=project.title,
        ),
        body=Truncator(body).chars(300),
        url=f"{project.get_absolute_url()}#update-{update.pk}",
        dedupe_key=f"partners.project_update:{update.pk}",
    )
    return update


def _check_due_at(project: CollaborationProject, due_at) -> None:
    """A milestone falls within the project's dates as its writer's calendar reads them: not
    before the start date, nor after the end date, in the active (the writer's) time zone."""
    if due_at is None or timezone.is_naive(due_at):  # forms and the API give aware moments
        raise ValidationError({"due_at": _("Give the milestone a due date and time.")})
    local_day = timezone.localtime(due_at).date()
    if project.start_date and local_day < project.start_date:
        raise ValidationError(
            {
                "due_at": _interpolate(
                    _("A milestone cannot be due before the project starts on %(date)s."),
                    date=exact(project.start_date),
                )
            },
            code="before_start",
        )
    if project.end_date and local_day > project.end_date:
        raise ValidationError(
            {
                "due_at": _interpolate(
                    _("A milestone cannot be due after the project ends on %(date)s."),
                    date=exact(project.end_date),
                )
            },
            code="after_end",
        )


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the milestone a title.")}, code="required")
    if len(title) > Milestone._meta.get_field("title").max_length:
        raise ValidationError(
            {"title": _("A milestone's title has at most 160 characters.")}, code="too_long"
        )
    try:
        validate_single_line(title)
    except ValidationError as error:
        raise ValidationError({"title": error.messages}) from None
    return title


def _check_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > Milestone._meta.get_field("description").max_length:
        raise ValidationError(
            {"description": _("A milestone's description has at most 2000 characters.")},
            code="too_long",
        )
    return description


@transaction.atomic
def milestone_add(
    *, project: CollaborationProject, by, title: str, due_at, description: str = ""
) -> Milestone:
    """Add a milestone to `project`, due at `due_at` (an aware moment within the project's
    dates). PermissionDenied unless `by` works in the project; ProjectClosed on a completed or
    cancelled project; ValidationError for bad input."""
    project_require_worker(user=by, project=project)
    if project.status in CLOSED_PROJECT_STATUSES:
        raise ProjectClosed(
            _interpolate(
                _("This project is %(status)s: it takes no new milestones."),
                status=project.get_status_display().lower(),
            ),
            code="project_closed",
        )
    title = _check_title(title)
    description = _check_description(description)
    _check_due_at(project, due_at)
    return Milestone.objects.create(
        project=project, title=title, description=description, due_at=due_at, created_by=by
    )


@transaction.atomic
def milestone_change(
    *,
    milestone: Milestone,
    by,
    status=None,
    title=None,
    due_at=None,
    description=None,
) -> Milestone:
    """Change a milestone's status, title, due time or description (None keeps each).

    Marking it done records when and by whom (reopening clears both) and tells the project's
    people; moving its due time lets it be reminded again.
    """
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=milestone.pk)
    )
    project = milestone.project
    project_require_worker(user=by, project=project)
    fields = []
    if title is not None:
        milestone.title = _check_title(title)
        fields.append("title")
    if description is not None:
        milestone.description = _check_description(description)
        fields.append("description")
    if due_at is not None and due_at != milestone.due_at:
        _check_due_at(project, due_at)
        milestone.due_at = due_at
        milestone.reminded_at = None
        fields += ["due_at", "reminded_at"]
    became_done = False
    if status is not None and status != milestone.status:
        if status not in Milestone.Status.values:
            raise ValidationError(
                {"status": _("Unknown status.")},
                code="invalid_status",
            )
        milestone.status = status
        fields.append("status")
        if status == Milestone.Status.DONE:
            milestone.done_at = timezone.now()
            milestone.done_by = by
            became_done = True
        else:
            milestone.done_at = None
            milestone.done_by = None
        fields += ["done_at", "done_by"]
    if fields:
        milestone.save(update_fields=fields)
    if became_done:
        notification_send(
            recipients=project_audience(project).exclude(pk=by.pk),
            kind="partners.milestone_done",
            title=_interpolate(
                _("Milestone done in %(project)s: %(milestone)s"),
                project=project.title,
                milestone=milestone.title,
            ),
            url=f"{project.get_absolute_url()}#milestone-{milestone.pk}",
            dedupe_key=f"partners.milestone_done:{milestone.pk}:{milestone.done_at.isoformat()}",
        )
    return milestone


@transaction.atomic
def project_file_share(
    *, project: CollaborationProject, by, upload, description: str = "", milestone=None
) -> ProjectFile:
    """Share a file in `project`, optionally for one of its milestones.

    The same checks as a ticket attachment (cocreate.core.uploads.validate_attachment: size,
    type by content, pictures and zips that would blow up); the file is written once the
    transaction commits. PermissionDenied unless `by` works in the project; ValidationError
    on `upload`, `milestone` or `description`; RateLimited past the rate.
    """
    project_require_worker(user=by, project=project)
    if upload is None:
        raise ValidationError({"upload": _("Choose a file.")}, code="required")
    try:
        content_type = validate_attachment(upload)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from None
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationError(
            {"milestone": _("This milestone belongs to another project.")}, code="other_project"
        )
    description = (description or "").strip()
    if len(description) > ProjectFile._meta.get_field("description").max_length:
        raise ValidationError(
            {"description": _("A file's description has at most 300 characters.")},
            code="too_long",
        )
    project_work_rate_limit_hit(user=by)
    shared = ProjectFile(
        project=project,
        uploaded_by=by,
        partner=_partner_of(by, project),
        milestone=milestone,
        filename=upload.name.rsplit("/", 1)[-1][:200],
        content_type=content_type,
        size=upload.size,
        description=description,
    )
    save_with_file_after_commit(shared, upload, filename=shared.filename)
    return shared


def milestone_reminder_send(milestone: Milestone) -> int:
    """Tell the project's people that `milestone` is due soon, each with the due time in their
    own language and time zone. Returns how many were notified (a re-run notifies no one twice)."""
    project = milestone.project

    def due_text():
        # Evaluated per recipient inside as_reader(recipient): their zone is the active one.
        local = timezone.localtime(milestone.due_at)
        return str(
            _("%(milestone)s is due on %(date)s (%(zone)s).")
            % {"milestone": milestone.title, "date": exact(local), "zone": local.tzname()}
        )

    sent = notification_send(
        recipients=project_audience(project),
        kind="partners.milestone_due",
        title=_interpolate(
            _("Milestone due soon in %(project)s: %(milestone)s"),
            project=project.title,
            milestone=milestone.title,
        ),
        body=lazy(due_text, str)(),
        url=f"{reverse('partners:project_detail', args=[project.slug])}#milestone-{milestone.pk}",
        dedupe_key=f"partners.milestone_due:{milestone.pk}:{milestone.due_at.isoformat()}",
    )
    return len(sent)


def milestones_remind_due(*, now=None, within=None, batch: int = 100) -> int:
    """Remind the people of every open milestone due within `within` (a day) that was not
    reminded yet, in a project still running (a completed or cancelled one's plan is over);
    returns how many milestones. Rows another run holds are skipped
    (SKIP LOCKED), and each is marked in the transaction that notifies, so two runs at once
    remind no one twice."""
    from datetime import timedelta

    now = now or timezone.now()
    within = within or timedelta(hours=24)
    reminded = 0
    while True:
        with transaction.atomic():
            due = list(
                Milestone.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status__in=Milestone.OPEN_STATUSES,
                    reminded_at__isnull=True,
                    due_at__gt=now,
                    due_at__lte=now + within,
                )
                .exclude(project__status__in=CLOSED_PROJECT_STATUSES)
                .select_related("project")
                .order_by("due_at", "pk")[:batch]
            )
            for milestone in due:
                milestone_reminder_send(milestone)
            Milestone.objects.filter(pk__in=[m.pk for m in due]).update(reminded_at=now)
        reminded += len(due)
        if len(due) < batch:
            return reminded
