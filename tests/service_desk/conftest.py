import pytest

from service_desk.models import Priority
from tests.factories.accounts import agent, customer
from tests.factories.products import ProductFactory
from tests.factories.service_desk import SlaPolicyFactory


@pytest.fixture(autouse=True)
def _private_attachments(settings, tmp_path):
    """Attachments go to a throw-away folder, outside MEDIA_ROOT as in production: the
    directory /media/ refuses and the storage the files are written to, as settings.py sets
    both."""
    settings.SERVICE_DESK_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            **settings.STORAGES["attachments"],
            "OPTIONS": {"location": settings.SERVICE_DESK_ATTACHMENT_ROOT},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def product():
    return ProductFactory(name="Aurora Router X2", slug="aurora-router-x2")


@pytest.fixture
def alice():
    return customer(username="alice_c")


@pytest.fixture
def bob():
    return customer(username="bob_c")


@pytest.fixture
def sam():
    return agent(username="sam_a")


@pytest.fixture
def tina():
    return agent(username="tina_a")


@pytest.fixture
def policies():
    """Normal: answer within 4 h, solve within 2 days; urgent: 30 min and 8 h."""
    return {
        Priority.NORMAL: SlaPolicyFactory(
            priority=Priority.NORMAL, first_response_minutes=240, resolution_minutes=2880
        ),
        Priority.HIGH: SlaPolicyFactory(
            priority=Priority.HIGH, first_response_minutes=60, resolution_minutes=960
        ),
        Priority.URGENT: SlaPolicyFactory(
            priority=Priority.URGENT, first_response_minutes=30, resolution_minutes=480
        ),
    }
