"""scripts/devenv.py's supervision of `make run` and its exec mode, with dummy child processes
(no embedded servers: the stores are whatever DATABASE_URL / REDIS_URL say)."""

import importlib.util
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "devenv.py"


def _load_devenv():
    spec = importlib.util.spec_from_file_location("devenv", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


devenv = _load_devenv()


def _child(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code])


SLEEPER = "import time; time.sleep(120)"


@pytest.fixture
def no_terminal(monkeypatch):
    """As under CI: a Ctrl-C reaches devenv alone, so it passes it on (never twice in a terminal).

    Standard input is no terminal (not even under `pytest -s` run in one), so no Ctrl-C typed
    there can have reached the children as well."""
    with open(os.devnull) as nothing, monkeypatch.context() as patch:
        patch.setattr(sys, "stdin", nothing)
        yield


def test_when_one_process_dies_the_others_are_stopped_and_the_status_is_non_zero(capsys):
    web = _child("raise SystemExit(3)")  # e.g. runserver: "That port is already in use."
    worker, beat = _child(SLEEPER), _child(SLEEPER)

    status = devenv.supervise(
        {"web": web, "worker": worker, "beat": beat}, poll_seconds=0.05, stop_timeout=10
    )

    assert status == 3
    assert worker.poll() is not None and beat.poll() is not None
    message = capsys.readouterr().err
    assert "web exited with status 3" in message
    assert "Stopping worker and beat." in message


def test_a_process_that_exits_cleanly_on_its_own_is_still_a_failure():
    beat = _child("pass")
    worker = _child(SLEEPER)

    assert devenv.supervise({"worker": worker, "beat": beat}, poll_seconds=0.05) == 1
    assert worker.poll() is not None


def test_a_process_that_ignores_the_interrupt_is_killed_after_the_timeout():
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN);"
            " print('ready', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert stubborn.stdout.readline().strip() == "ready"
    dead = _child("raise SystemExit(2)")

    assert devenv.supervise({"worker": stubborn, "web": dead}, poll_seconds=0.05, stop_timeout=1)

    assert stubborn.returncode == -signal.SIGKILL


def test_ctrl_c_stops_every_process_and_returns_zero(no_terminal):
    web, worker = _child(SLEEPER), _child(SLEEPER)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()

    status = devenv.supervise({"web": web, "worker": worker}, poll_seconds=0.05, stop_timeout=10)

    assert status == 0
    assert web.returncode is not None and worker.returncode is not None
    # Our own Ctrl-C handling is back once supervision ends.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# Traps Ctrl-C, then takes a second to finish: longer than the 0.25 s subprocess.call allows.
SLOW_TO_STOP = """
import signal, sys, time
interrupted = []
signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
print("ready", flush=True)
while not interrupted:
    time.sleep(0.05)
time.sleep(1)
print("finished", flush=True)
sys.exit(7)
"""


@pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
    reason="exec mode would start the embedded servers",
)
def test_exec_forwards_ctrl_c_to_the_command_and_waits_for_it_to_finish():
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "exec", "--", sys.executable, "-c", SLOW_TO_STOP],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,  # no terminal: only devenv gets the signal, it passes it on
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    assert "finished" in out
    assert process.returncode == 7


def test_the_worker_of_make_run_takes_every_queue(settings):
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert set(devenv.WORKER_QUEUES.split(",")) == queues
