import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _run(command, **env):
    # The browser tests' async-safety switch must not leak into a "production" process.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*args, **env):
    return _run([sys.executable, "manage.py", *args], **env)


CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.mark.parametrize(
    "start",
    [
        [sys.executable, "-c", "import cocreate.wsgi"],  # gunicorn, runserver
        [sys.executable, "-c", "import cocreate.asgi"],
        [CELERY, "-A", "cocreate", "worker", "--loglevel=WARNING"],
        [CELERY, "-A", "cocreate", "beat", "--loglevel=WARNING"],
    ],
    ids=["wsgi", "asgi", "worker", "beat"],
)
def test_production_refuses_the_default_secret_key(start):
    result = _run(start, DEBUG="false", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY is the development default" in result.stderr


def test_offline_tools_load_the_settings_without_a_secret_key():
    # The stop hook and the image build run these with neither DEBUG nor SECRET_KEY.
    result = _manage("makemigrations", "--check", "--dry-run", DEBUG="false", SECRET_KEY="")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_check_deploy_reports_no_warnings_in_production_mode():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7#Lk2!qP9vR$m4Tz8@Wn3^Hc6&Jd1*Yf5(Bg0)Ns-Ue+Ao=Ri?Vl;Xp",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_beat_creates_the_directory_of_its_schedule_file(tmp_path):
    # A fresh checkout has no .data/: beat must not die opening its schedule file there.
    schedule = tmp_path / "not-yet" / "celerybeat-schedule"
    beat = subprocess.Popen(
        [CELERY, "-A", "cocreate", "beat", "--loglevel=INFO", "--schedule", str(schedule)],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "false",
            "SECRET_KEY": "beat-test-" + "k" * 40,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until(
            lambda: list(schedule.parent.glob("celerybeat-schedule*")) or beat.poll() is not None,
            timeout=60,
            message="beat to write its schedule file (or exit)",
        )
        assert beat.poll() is None, beat.communicate()[0]
        assert list(schedule.parent.glob("celerybeat-schedule*"))
    finally:
        beat.terminate()
        beat.wait(timeout=30)


CELERY_LIMITS = (
    "from cocreate import settings as s; print("
    "s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], "
    "s.CELERY_TASK_TIME_LIMIT, s.CELERY_TASK_SOFT_TIME_LIMIT)"
)


def test_the_brokers_visibility_timeout_and_the_task_time_limit_come_from_the_environment():
    # bench/rehearsal.py shortens both, so that a killed worker's tasks and e-mail claims come
    # back within its run.
    result = _run(
        [sys.executable, "-c", CELERY_LIMITS],
        DEBUG="true",
        CELERY_BROKER_VISIBILITY_TIMEOUT="15",
        CELERY_TASK_TIME_LIMIT="60",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["15", "60", "48"]


def test_the_defaults_keep_an_hours_visibility_and_five_minutes_per_task(monkeypatch):
    monkeypatch.delenv("CELERY_BROKER_VISIBILITY_TIMEOUT", raising=False)
    monkeypatch.delenv("CELERY_TASK_TIME_LIMIT", raising=False)

    result = _run([sys.executable, "-c", CELERY_LIMITS], DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3600", "300", "240"]
