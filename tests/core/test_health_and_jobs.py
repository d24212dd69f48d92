import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_database_and_redis_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert {name: body[name] for name in ("status", "database", "redis", "broker", "cache")} == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "broker": "ok",
        "cache": "ok",
    }
    assert isinstance(body["degraded"], dict)  # counts since the process started


def test_healthz_is_503_naming_redis_when_it_does_not_answer(client):
    # A port nothing listens on: a deliberate fault, not a mock.
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"] == response.json()["broker"] == "unavailable"
    assert response.json()["cache"] == response.json()["database"] == "ok"


def test_every_periodic_job_runs_once_from_the_command_line(settings, capsys):
    for name in settings.CELERY_BEAT_SCHEDULE:
        call_command("run_job", name)

    assert "clear-expired-sessions" in capsys.readouterr().out


def test_unknown_job_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown job"):
        call_command("run_job", "no-such-job")
