"""The rehearsal of a scaled-out deployment, short form (bench/rehearsal.py --short): a primary
and a streaming replica, two web nodes behind HAProxy, two workers on different queues and beat,
a minute of mixed traffic with a web node and the e-mail worker killed in the middle, files
uploaded to one node read back from any (S3, moto's server). It exits non-zero when any of its
checks fails; its report says which."""

import re
import signal
import subprocess
import sys

import pytest

from tests.deploy.conftest import ROOT

# Loading the data (about 30 s), a minute of traffic, the killed worker's tasks delivered again
# (the rehearsal's visibility timeout) and the drain: a few minutes, with room to spare.
LIMIT = 540


@pytest.mark.slow
@pytest.mark.timeout(LIMIT + 60)
def test_the_short_rehearsal_passes_every_check():
    process = subprocess.Popen(
        [sys.executable, "bench/rehearsal.py", "--short"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)  # it stops every server it started, then exits
        output, _ = process.communicate(timeout=60)
        pytest.fail(f"the rehearsal took more than {LIMIT} s:\n{output}")

    assert process.returncode == 0, output
    assert "FAIL" not in output
    # Files were filed with tickets and read back, and that was checked.
    assert re.search(r"files: [1-9]\d* uploaded, [1-9]\d* read back from any node", output), output
    assert "ok   private objects refused without a signature" in output, output
