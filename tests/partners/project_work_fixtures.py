"""A project with two partners, their people, staff and outsiders (tests of the project work)."""

from dataclasses import dataclass
from datetime import date

import pytest

from partners.models import CollaborationProject, Partner
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import PartnerFactory, ProjectFactory


@dataclass
class World:
    project: CollaborationProject
    lab: Partner
    maker: Partner
    owner: object  # owns the lab
    member: object  # member of the maker, reads Chinese in Shanghai
    berliner: object  # member of the lab, reads English in Berlin
    outsider: object  # member of a partner that is not on the project
    staff: object


@pytest.fixture
def project_file_root(settings, tmp_path):
    settings.PARTNERS_PROJECT_FILE_ROOT = tmp_path / "project-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "project_files": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PARTNERS_PROJECT_FILE_ROOT},
        },
    }
    return settings.PARTNERS_PROJECT_FILE_ROOT


def text_upload(name="notes.txt", content=b"Test results: all good.\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")


@pytest.fixture
def world(db, project_file_root):
    owner = UserFactory(username="owner")
    member = UserFactory(username="mei", language="zh-hans", time_zone="Asia/Shanghai")
    berliner = UserFactory(username="berta", language="en", time_zone="Europe/Berlin")
    outsider = UserFactory(username="outsider")
    lab = PartnerFactory(name="A Labs", owners=[owner], members=[berliner])
    maker = PartnerFactory(name="Shenzhen Makers", country="CN", members=[member])
    PartnerFactory(name="Elsewhere", members=[outsider])
    project = ProjectFactory(
        title="Solid-state cells",
        slug="cells",
        partners=[lab, maker],
        start_date=date(2026, 1, 1),
        end_date=date(2027, 6, 30),
        created_by=owner,
    )
    return World(project, lab, maker, owner, member, berliner, outsider, staff())
