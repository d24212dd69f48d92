"""One project from invitation to a milestone done: a manager invites a partner from the
project's page; the partner's owner reads the invitation and accepts; they plan a milestone,
share a file for it and post an update; the manager downloads the file and marks the milestone
done, and the partner reads it done, in its own time zone."""

import datetime as dt

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_partners import log_out
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory, ProjectFactory


def test_invite_accept_and_work_to_a_milestone_done(page, transactional_db, settings, tmp_path):
    settings.PARTNERS_PROJECT_FILE_ROOT = tmp_path / "project-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "project_files": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PARTNERS_PROJECT_FILE_ROOT},
        },
    }
    mia = UserFactory(username="mia", time_zone="Europe/Berlin")
    olga = UserFactory(username="olga", time_zone="Asia/Shanghai")
    lab = PartnerFactory(name="A Labs Singapore", owners=[mia])
    PartnerFactory(name="Hengtai Battery", owners=[olga])
    ProjectFactory(title="Solid-state cells", slug="cells", partners=[lab], is_public=False)

    log_in(page, "mia", settings.DEMO_PASSWORD)
    page.goto("/partners/projects/cells/")
    page.get_by_label("Partner", exact=True).fill("Hengtai Battery")
    page.get_by_label("Message to its owners").fill("We need your pack and BMS.")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("open-invitation")).to_contain_text("Hengtai Battery")
    screenshot(page, "partners-project-invitations-panel")
    log_out(page)

    log_in(page, "olga", settings.DEMO_PASSWORD)
    page.goto("/partners/projects/cells/")  # private: sent to the invitation
    expect(page.get_by_test_id("invited-project")).to_contain_text("Solid-state cells")
    expect(page.get_by_text("We need your pack and BMS.")).to_be_visible()
    screenshot(page, "partners-project-invitation")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Hengtai Battery is on the project now.")).to_be_visible()
    expect(page.get_by_role("link", name="Hengtai Battery")).to_be_visible()

    # The partner's owner, now on the project, plans the work: a milestone, a file for it, news.
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    page.get_by_text("Add a milestone").click()
    page.get_by_label("Milestone", exact=True).fill("Pack prototype delivered")
    page.get_by_label("Due").fill(f"{due}T09:00")
    page.get_by_role("button", name="Add milestone").click()
    milestone = page.locator("#milestones tr", has_text="Pack prototype delivered")
    expect(milestone).to_contain_text("09:00")  # Olga's Shanghai morning
    page.get_by_text("Share a file").click()
    (tmp_path / "pack-spec.pdf").write_bytes(b"%PDF-1.4\n% the pack's specification\n%%EOF\n")
    page.get_by_label("File", exact=True).set_input_files(str(tmp_path / "pack-spec.pdf"))
    page.get_by_label("For milestone").select_option(label="Pack prototype delivered")
    page.get_by_role("button", name="Share file").click()
    expect(page.locator("#files")).to_contain_text("pack-spec.pdf")
    page.get_by_label("Update", exact=True).fill("Cells ordered; the **spec** is in the files.")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator("#updates")).to_contain_text("Cells ordered")
    log_out(page)

    # The manager reads the update, downloads the file and marks the milestone done.
    log_in(page, "mia", settings.DEMO_PASSWORD)
    page.goto("/partners/projects/cells/")
    expect(page.locator("#updates strong")).to_have_text("spec")
    milestone = page.locator("#milestones tr", has_text="Pack prototype delivered")
    expect(milestone).to_contain_text("02:00")  # the same moment in Berlin
    file_url = page.locator("#files a", has_text="pack-spec.pdf").get_attribute("href")
    download = page.request.get(file_url)
    assert download.status == 200
    assert download.body().startswith(b"%PDF-1.4")
    milestone.get_by_role("button", name="Mark done").click()
    expect(page.locator("#milestones tr", has_text="Pack prototype delivered")).to_contain_text(
        "Done"
    )
    screenshot(page, "partners-project-workspace")
    log_out(page)

    # The partner reads it done, and the timeline tells the story.
    log_in(page, "olga", settings.DEMO_PASSWORD)
    page.goto("/partners/projects/cells/")
    expect(page.locator("#milestones tr", has_text="Pack prototype delivered")).to_contain_text(
        "Done"
    )
    expect(page.locator(".project-timeline")).to_contain_text("pack-spec.pdf")
    log_out(page)
    # Signed out, the file is not there at all.
    assert page.request.get(file_url).status == 404
