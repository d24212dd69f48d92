"""Download my data: a ZIP of every registered part (personal_data.py), built by a Celery job,
its link e-mailed to the person; the link works once, for 24 hours, for that person only."""

import json
import logging
import secrets
import shutil
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from cocreate.core.errors import StateConflict
from cocreate.core.i18n import as_reader
from cocreate.outbox.services import outbox_enqueue

from ..models import AuditLogEntry, DataExport, User, data_export_storage
from ..personal_data import personal_data_sections
from ..tokens import hash_key
from .audit import audit_record

logger = logging.getLogger(__name__)

BUILD_TASK = "cocreate.accounts.tasks.build_data_export"
# An export still waiting or being built this long after it was asked for lost its worker.
STUCK_AFTER = timedelta(hours=1)
# A used link's file stays this long, so the download that used it can finish.
KEEP_USED_FILE = timedelta(hours=1)


class DataExportLinkGone(StateConflict):
    """The link was used already or expired: the person asks for a new export."""


def data_export_request(*, user: User, requested_by: User) -> DataExport:
    """Ask for a ZIP of `user`'s data (by the person, or by staff for them), built by Celery."""
    with transaction.atomic():
        # Deleting the account takes the same lock: one waits for the other.
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_former_member:
            raise StateConflict(_("This account was deleted: it has no data to export."))
        if DataExport.objects.filter(user=user, status__in=DataExport.IN_PROGRESS).exists():
            raise StateConflict(
                _("Your data is being gathered already. We e-mail you a link once it is ready.")
            )
        export = DataExport.objects.create(user=user, requested_by=requested_by)
        audit_record(action=AuditLogEntry.Action.EXPORT_REQUESTED, subject=user, actor=requested_by)
        outbox_enqueue(BUILD_TASK, export.pk)
    return export


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the ZIP, then store the link's hash and e-mail the link in one transaction (a
    failed e-mail leaves the export running, and the task's retry builds it again). An export
    that is ready, failed or gone is left as it is: the task may run twice."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, status__in=DataExport.IN_PROGRESS)
            .first()
        )
        if export is None:
            return None
        export.status, export.progress = DataExport.Status.RUNNING, 0
        export.started_at = timezone.now()
        export.save(update_fields=["status", "progress", "started_at"])
    user = export.user
    with tempfile.TemporaryFile() as archive_file:
        _write_archive(archive_file, export)
        size = archive_file.tell()
        archive_file.seek(0)
        stored = data_export_storage.save(
            f"{user.pk}/{secrets.token_hex(8)}/cocreate-data-{timezone.now():%Y-%m-%d}.zip",
            File(archive_file),
        )
    try:
        return _finish(export.pk, stored, size)
    except BaseException:  # the e-mail failed: the retry builds a new ZIP
        data_export_storage.delete(stored)
        raise


@transaction.atomic
def _finish(export_id: int, stored: str, size: int) -> DataExport:
    """Store the link's hash and e-mail the link, or leave a ZIP another run finished first."""
    export = DataExport.objects.select_for_update().select_related("user").get(pk=export_id)
    if export.status != DataExport.Status.RUNNING:
        transaction.on_commit(lambda: data_export_storage.delete(stored))
        return export
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    export.file.name, export.size, export.token_hash = stored, size, hash_key(token)
    export.status, export.progress = DataExport.Status.READY, 100
    export.finished_at, export.expires_at = now, now + DataExport.LINK_VALIDITY
    export.save()
    _send_link(export, token)
    return export


def _write_archive(archive_file, export: DataExport) -> None:
    """One JSON file per registered part, its files under files/<part>/; the progress moves
    after each part (its own commit, so the profile page sees it)."""
    user = export.user
    sections = personal_data_sections()
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive, as_reader(user):
        archive.writestr(
            "README.txt",
            render_to_string(
                "accounts/data_export_readme.txt",
                {"files": [f"{section.name}.json" for section in sections]},
            ),
        )
        for done, section in enumerate(sections, start=1):
            data = json.dumps(
                section.export(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
            )
            archive.writestr(f"{section.name}.json", data)
            for name, field_file in section.files(user) if section.files else ():
                try:
                    source = field_file.open("rb")
                except FileNotFoundError:  # a row whose file is gone: the JSON still lists it
                    logger.warning("Data export %s: %s is missing", export.pk, field_file.name)
                    continue
                with source, archive.open(f"files/{section.name}/{name}", "w") as target:
                    shutil.copyfileobj(source, target)
            DataExport.objects.filter(pk=export.pk).update(progress=95 * done // len(sections))


def _send_link(export: DataExport, token: str) -> None:
    user = export.user
    if not (user.email or "").strip():
        logger.warning("Data export %s is ready but its person has no e-mail address", export.pk)
        return
    url = settings.SITE_URL + reverse("data_export_download", args=[export.pk, token])
    with as_reader(user):
        context = {"user": user, "url": url, "expires_at": export.expires_at}
        send_mail(
            _("Your CoCreate data is ready"),
            render_to_string("accounts/email/data_export_ready.txt", context),
            None,
            [user.email],
        )


def data_export_claim(*, user: User, export_id: int, token: str) -> DataExport:
    """Use an export's link: for its own person, once, before it expires; marked used in this
    transaction (the file is sent after it). An unknown link is a 404."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(pk=export_id).first()
        if (
            export is None
            or not export.token_hash
            or not constant_time_compare(export.token_hash, hash_key(token))
        ):
            raise Http404
        if export.user_id != user.pk:
            raise PermissionDenied(
                _(
                    "This link is for another person's data. Only the person it was e-mailed "
                    "to can use it, signed in to their own account."
                )
            )
        state = export.link_state()
        if state == "used":
            raise DataExportLinkGone(
                _(
                    "This link was used already: it works once. Ask for a new export on your profile."
                )
            )
        if state:
            raise DataExportLinkGone(
                _("This link expired: it works for 24 hours. Ask for a new export on your profile.")
            )
        export.used_at = timezone.now()
        export.save(update_fields=["used_at"])
        audit_record(action=AuditLogEntry.Action.EXPORT_DOWNLOADED, subject=user, actor=user)
    return export


def data_exports_purge() -> tuple[int, int]:
    """The hourly job: exports stuck in progress an hour (their worker died) become failed, so
    the person may ask again and delete their account; the files of used and expired links
    are removed. Returns (failed, files removed)."""
    now = timezone.now()
    failed = DataExport.objects.filter(
        status__in=DataExport.IN_PROGRESS, created_at__lt=now - STUCK_AFTER
    ).update(status=DataExport.Status.FAILED, finished_at=now)
    removed = 0
    spent = DataExport.objects.exclude(file="").filter(
        Q(used_at__lt=now - KEEP_USED_FILE) | Q(expires_at__lt=now)
    )
    for export in spent:
        data_export_storage.delete(export.file.name)
        DataExport.objects.filter(pk=export.pk).update(file="")
        removed += 1
    return failed, removed
