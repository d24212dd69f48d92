"""Two beat processes started by mistake never both send a job: only the one holding the beat
lock does (cocreate/celery.py), and the other takes over when it dies.

Real `celery beat` processes on a Redis server of the test's own, with a schedule of one job
every half second (tests/beat_settings.py) and a lock that expires 2 s after its holder died
(an hour where only its release may hand it over).
Who sent each task is read from its message (Celery's `origin` header names the sender's pid).
"""

import itertools
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import redis

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _start_beat(
    name: str, tmp_path: Path, broker_url: str, lock_seconds: int = 2
) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.beat_settings",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "BEAT_LOCK_SECONDS": str(lock_seconds),
        "SECRET_KEY": "beat-lock-test-" + "k" * 40,
    }
    with log.open("wb") as output:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cocreate", "beat", "--loglevel=INFO"]
            + ["--schedule", str(tmp_path / name / "celerybeat-schedule")],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return beat, log


def _senders(url: str) -> list[int]:
    """The process id of the sender of each task in the default queue, oldest first."""
    client = redis.Redis.from_url(url)
    try:
        raw = reversed(client.lrange("default", 0, -1))
        origins = [json.loads(message)["headers"]["origin"] for message in raw]
    finally:
        client.close()
    return [int(origin.split("@")[0].removeprefix("gen")) for origin in origins]


def _stop(beat: subprocess.Popen) -> None:
    if beat.poll() is None:
        beat.terminate()
        try:
            beat.wait(30)
        except subprocess.TimeoutExpired:
            beat.kill()
            beat.wait(10)


def test_a_second_beat_sends_nothing_until_the_first_dies_then_takes_over(own_broker, tmp_path):
    url = own_broker.url
    # Given a beat sending its job
    first, first_log = _start_beat("first", tmp_path, url)
    beats = [first]
    try:
        wait_until(
            lambda: first.pid in _senders(url),
            timeout=60,
            message=lambda: "the first beat to send its job: " + first_log.read_text(),
        )

        # When a second beat starts on the same broker
        second, second_log = _start_beat("second", tmp_path, url)
        beats.append(second)
        wait_until(
            lambda: "another beat holds the lock" in second_log.read_text(),
            timeout=60,
            message=lambda: "the second beat to find the lock held: " + second_log.read_text(),
        )
        # (the job falls due several times more while both run)
        sent = len(_senders(url))
        wait_until(lambda: len(_senders(url)) >= sent + 4, timeout=60, message="more sends")

        # When the first beat is killed
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        # Then the second takes over once the lock expires, and goes on sending
        wait_until(
            lambda: _senders(url).count(second.pid) >= 4,
            timeout=60,
            message=lambda: "the second beat to take over: " + second_log.read_text(),
        )
    finally:
        for beat in beats:
            _stop(beat)

    # Then each due time was sent by one beat: the first's tasks, then the second's, never mixed
    senders = _senders(url)
    assert [pid for pid, _run in itertools.groupby(senders)] == [first.pid, second.pid]
    assert "holds the lock; sends the due jobs" in second_log.read_text()


def test_a_beat_that_stops_hands_the_lock_over_at_once(own_broker, tmp_path):
    # A lock that would outlive the test: only its release lets the second beat take over.
    url = own_broker.url
    first, first_log = _start_beat("first", tmp_path, url, lock_seconds=3600)
    beats = [first]
    try:
        wait_until(lambda: first.pid in _senders(url), timeout=60, message="the first beat")
        second, second_log = _start_beat("second", tmp_path, url, lock_seconds=3600)
        beats.append(second)
        wait_until(
            lambda: "another beat holds the lock" in second_log.read_text(),
            timeout=60,
            message="the second beat to find the lock held",
        )

        # When the first beat stops (a deploy's SIGTERM): it gives the lock up as it goes
        _stop(first)

        wait_until(
            lambda: second.pid in _senders(url),
            timeout=60,
            message=lambda: "the second beat to take over: " + second_log.read_text(),
        )
    finally:
        for beat in beats:
            _stop(beat)

    assert [pid for pid, _run in itertools.groupby(_senders(url))] == [first.pid, second.pid]


def test_a_beat_whose_redis_stops_says_so_once_and_sends_again_when_it_is_back(
    own_broker, tmp_path
):
    beat, log = _start_beat("beat", tmp_path, own_broker.url)
    try:
        wait_until(lambda: len(_senders(own_broker.url)) >= 2, timeout=120, message="sending")
        own_broker.stop()
        wait_until(
            lambda: "does not answer" in log.read_text(),
            timeout=60,
            message="beat to notice that Redis stopped",
        )
        own_broker.start()  # empty: no persistence
        wait_until(lambda: _senders(own_broker.url), timeout=120, message="sending again")
    finally:
        _stop(beat)

    assert log.read_text().count("the lock's Redis does not answer") == 1
