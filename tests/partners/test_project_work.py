"""Working in a collaboration project: updates, milestones, the timeline and the workspace page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cocreate.notifications.models import Notification
from partners import selectors, services
from partners.models import CollaborationProject, Milestone, Partner, ProjectInvitation
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory
from tests.partners.project_work_fixtures import *  # noqa: F403 (the fixtures)
from tests.partners.project_work_fixtures import text_upload

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


# --- Updates -----------------------------------------------------------------------------------


def test_a_member_posts_an_update_in_their_language_and_the_others_are_notified(world):
    update = services.project_update_post(
        project=world.project, author=world.member, body="第一批**样品**已发出。"
    )

    assert update.language == "zh-hans"  # the author's own language
    assert update.partner == world.maker
    assert "<strong>样品</strong>" in update.body_html
    notified = set(
        Notification.objects.filter(kind="partners.project_update").values_list(
            "recipient__username", flat=True
        )
    )
    # The partners' members and the project's creator, not the author nor outsiders.
    assert notified == {"owner", "berta"}


def test_an_update_is_sanitised(world):
    update = services.project_update_post(
        project=world.project,
        author=world.owner,
        body="Hi <script>alert(1)</script>",
        language="en",
    )
    assert "<script" not in update.body_html


def test_staff_post_updates_for_no_organisation(world):
    update = services.project_update_post(
        project=world.project, author=world.staff, body="Welcome!", language="en"
    )
    assert update.partner is None


def test_the_language_defaults_to_the_active_one_when_the_author_set_none(world):
    world.owner.language = ""
    with translation.override("zh-hans"):
        update = services.project_update_post(project=world.project, author=world.owner, body="好")
    assert update.language == "zh-hans"


@pytest.mark.parametrize(
    ("body", "language", "field", "message"),
    [
        ("   ", "en", "body", "Write the update first."),
        ("x" * 10001, "en", "body", "at most 10000 characters (this one has 10001)"),
        ("Hello", "fr", "language", "Unknown language fr"),
    ],
)
def test_bad_updates_are_refused_per_field(world, body, language, field, message):
    with pytest.raises(ValidationError) as error:
        services.project_update_post(
            project=world.project, author=world.owner, body=body, language=language
        )
    assert message in " ".join(error.value.message_dict[field])


def test_outsiders_and_suspended_partners_members_may_not_post(world):
    with pytest.raises(PermissionDenied, match="members of the project's partners"):
        services.project_update_post(project=world.project, author=world.outsider, body="Hi")
    Partner.objects.filter(pk=world.maker.pk).update(status=Partner.Status.SUSPENDED)
    with pytest.raises(PermissionDenied, match="Shenzhen Makers is suspended"):
        services.project_update_post(project=world.project, author=world.member, body="Hi")


def test_an_invited_partner_does_not_work_in_the_project_until_it_accepts(world):
    invited_member = UserFactory()
    invited = PartnerFactory(members=[invited_member])
    ProjectInvitation.objects.create(project=world.project, partner=invited)
    with pytest.raises(PermissionDenied):
        services.project_update_post(project=world.project, author=invited_member, body="Hi")


def test_updates_for_a_reader_come_in_their_language_first(world):
    old_zh = services.project_update_post(
        project=world.project, author=world.member, body="旧", language="zh-hans"
    )
    en = services.project_update_post(
        project=world.project, author=world.owner, body="New", language="en"
    )
    new_zh = services.project_update_post(
        project=world.project, author=world.member, body="新", language="zh-hans"
    )

    assert list(selectors.updates_for_reader(world.project, "zh-hans")) == [new_zh, old_zh, en]
    assert list(selectors.updates_for_reader(world.project, "en")) == [en, new_zh, old_zh]


# --- Milestones --------------------------------------------------------------------------------


def test_a_milestone_is_added_done_and_reopened(world):
    milestone = services.milestone_add(
        project=world.project, by=world.member, title="Samples shipped", due_at=DUE
    )
    assert milestone.status == Milestone.Status.PLANNED

    services.milestone_change(milestone=milestone, by=world.owner, status="done")
    milestone.refresh_from_db()
    assert milestone.done_by == world.owner and milestone.done_at is not None
    assert set(
        Notification.objects.filter(kind="partners.milestone_done").values_list(
            "recipient__username", flat=True
        )
    ) == {"mei", "berta"}

    services.milestone_change(milestone=milestone, by=world.owner, status="in_progress")
    milestone.refresh_from_db()
    assert milestone.done_at is None and milestone.done_by is None


def test_moving_a_milestone_lets_it_be_reminded_again(world):
    milestone = services.milestone_add(
        project=world.project, by=world.member, title="Samples", due_at=DUE
    )
    Milestone.objects.filter(pk=milestone.pk).update(reminded_at=timezone.now())

    services.milestone_change(milestone=milestone, by=world.member, due_at=DUE + timedelta(days=3))

    milestone.refresh_from_db()
    assert milestone.reminded_at is None and milestone.due_at == DUE + timedelta(days=3)


@pytest.mark.parametrize(
    ("due_at", "message"),
    [
        (
            datetime(2025, 12, 31, 12, 0, tzinfo=UTC),
            "A milestone cannot be due before the project starts on Jan 1, 2026.",
        ),
        (
            datetime(2027, 7, 1, 12, 0, tzinfo=UTC),
            "A milestone cannot be due after the project ends on Jun 30, 2027.",
        ),
    ],
)
def test_a_milestone_falls_within_the_projects_dates(world, due_at, message):
    with pytest.raises(ValidationError) as error:
        services.milestone_add(project=world.project, by=world.owner, title="X", due_at=due_at)
    assert error.value.message_dict["due_at"] == [message]


def test_the_projects_dates_are_read_in_the_writers_time_zone(world):
    # 07:00 on the project's first day in Shanghai is still the day before in UTC.
    first_morning = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    with timezone.override("Asia/Shanghai"):
        milestone = services.milestone_add(
            project=world.project, by=world.member, title="Kick-off", due_at=first_morning
        )
    assert milestone.due_at == first_morning
    with timezone.override("America/New_York"), pytest.raises(ValidationError):
        services.milestone_add(
            project=world.project, by=world.member, title="Too early", due_at=first_morning
        )


def test_bad_milestone_input_is_refused_per_field(world):
    with pytest.raises(ValidationError) as error:
        services.milestone_add(project=world.project, by=world.owner, title=" ", due_at=DUE)
    assert "title" in error.value.message_dict
    milestone = services.milestone_add(project=world.project, by=world.owner, title="X", due_at=DUE)
    with pytest.raises(ValidationError) as error:
        services.milestone_change(milestone=milestone, by=world.owner, status="lost")
    assert "status" in error.value.message_dict


def test_a_cancelled_project_takes_no_new_milestones_but_still_updates(world):
    world.project.status = CollaborationProject.Status.CANCELLED
    world.project.save()

    with pytest.raises(services.ProjectClosed, match="This project is cancelled"):
        services.milestone_add(project=world.project, by=world.owner, title="X", due_at=DUE)
    services.project_update_post(project=world.project, author=world.owner, body="Wrap-up.")


def test_outsiders_change_no_milestone(world):
    milestone = services.milestone_add(project=world.project, by=world.owner, title="X", due_at=DUE)
    with pytest.raises(PermissionDenied):
        services.milestone_change(milestone=milestone, by=world.outsider, status="done")
    with pytest.raises(PermissionDenied):
        services.milestone_add(project=world.project, by=world.outsider, title="Y", due_at=DUE)


# --- Timeline and the page ---------------------------------------------------------------------


def _fill(world, times: int) -> None:
    for n in range(times):
        services.project_update_post(project=world.project, author=world.owner, body=f"U{n}")
        milestone = services.milestone_add(
            project=world.project, by=world.owner, title=f"M{n}", due_at=DUE
        )
        services.milestone_change(milestone=milestone, by=world.owner, status="done")
        services.project_file_share(
            project=world.project,
            by=world.owner,
            upload=text_upload(f"n{n}.txt"),
            milestone=milestone,
        )
    invited = PartnerFactory()
    ProjectInvitation.objects.create(
        project=world.project,
        partner=invited,
        status=ProjectInvitation.Status.ACCEPTED,
        decided_at=timezone.now(),
        decided_by=world.owner,
    )


@pytest.mark.parametrize("times", [1, 10])
def test_the_timeline_reads_in_five_queries_whatever_the_projects_size(
    world, times, django_assert_num_queries
):
    _fill(world, times)
    with django_assert_num_queries(5):
        timeline = selectors.project_timeline(world.project, limit=30)
    kinds = {entry.kind for entry in timeline}
    assert kinds == {"update", "milestone_added", "milestone_done", "file", "partner_joined"}
    moments = [entry.at for entry in timeline]
    assert moments == sorted(moments, reverse=True)


def _page_queries(client, world, times):
    _fill(world, times)
    client.force_login(world.member)
    url = reverse("partners:project_detail", args=["cells"])
    client.get(url)  # what a process reads once (content types, the session's first touch)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_workspace_page_reads_a_fixed_number_of_queries(client, world):
    small = _page_queries(client, world, 1)
    large = _page_queries(client, world, 10)  # ten times the updates, milestones, files
    assert small == large == 18


def test_the_workspace_shows_updates_in_the_readers_language_first_and_times_in_their_zone(
    client, world
):
    services.project_update_post(
        project=world.project, author=world.owner, body="English news", language="en"
    )
    services.project_update_post(
        project=world.project, author=world.member, body="中文消息", language="zh-hans"
    )
    services.milestone_add(project=world.project, by=world.owner, title="Samples", due_at=DUE)

    client.force_login(world.member)  # zh-hans, Asia/Shanghai
    html = client.get(reverse("partners:project_detail", args=["cells"])).content.decode()

    assert html.index("中文消息") < html.index("English news")
    assert 'lang="zh-hans"' in html and 'lang="en"' in html
    assert "2026年12月10日 17:00" in html  # 09:00 UTC in Shanghai
    assert "CST" in html or "+08" in html

    client.force_login(world.berliner)  # en, Europe/Berlin
    html = client.get(reverse("partners:project_detail", args=["cells"])).content.decode()
    assert html.index("English news") < html.index("中文消息")
    assert "Dec 10, 2026, 10:00" in html and "CET" in html


def test_outsiders_see_only_the_public_part(client, world):
    services.project_update_post(project=world.project, author=world.owner, body="Secret news")
    services.milestone_add(project=world.project, by=world.owner, title="Secret step", due_at=DUE)
    url = reverse("partners:project_detail", args=["cells"])

    for user in (None, world.outsider):
        if user:
            client.force_login(user)
        html = client.get(url).content.decode()
        assert "Solid-state cells" in html
        assert "Secret news" not in html and "Secret step" not in html
        assert "work in this project is private" in html


def test_the_page_posts_an_update_adds_and_closes_a_milestone(client, world):
    client.force_login(world.berliner)
    url = reverse("partners:project_detail", args=["cells"])

    response = client.post(
        reverse("partners:project_update_post", args=["cells"]),
        {"body": "Hello *team*", "language": "en"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("partners:project_milestone_add", args=["cells"]),
        {"title": "Pilot run", "due_at": "2026-12-10T10:00", "description": ""},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(title="Pilot run")
    assert milestone.due_at == DUE  # 10:00 in Berlin
    response = client.post(
        reverse("partners:project_milestone_change", args=["cells", milestone.pk]),
        {"status": "done"},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "done"
    html = client.get(url).content.decode()
    assert "<em>team</em>" in html and "Pilot run" in html


def test_the_page_shows_a_refused_milestone_on_its_form(client, world):
    client.force_login(world.berliner)
    response = client.post(
        reverse("partners:project_milestone_add", args=["cells"]),
        {"title": "Too early", "due_at": "2025-06-01T10:00"},
    )
    assert response.status_code == 400
    assert "cannot be due before the project starts" in response.content.decode()


def test_outsiders_posting_get_404_and_suspended_members_403_with_the_reason(client, world):
    client.force_login(world.outsider)
    url = reverse("partners:project_update_post", args=["cells"])
    assert client.post(url, {"body": "Hi", "language": "en"}).status_code == 404
    Partner.objects.filter(pk=world.maker.pk).update(status=Partner.Status.SUSPENDED)
    client.force_login(world.member)
    response = client.post(url, {"body": "Hi", "language": "en"})
    assert response.status_code == 403
    assert "Shenzhen Makers" in response.content.decode()
