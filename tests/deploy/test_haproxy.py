"""deploy/haproxy.cfg, checked by this machine's HAProxy (`make haproxy` installs it) as
bench/rehearsal.py runs it: on loopback ports, in front of two web nodes."""

import subprocess

from bench.rehearsal import haproxy_config, haproxy_executable
from tests.deploy.conftest import free_port


def test_the_shipped_configuration_is_valid(tmp_path):
    config = haproxy_config(
        tmp_path, port=free_port(), stats_port=free_port(), nodes=[free_port(), free_port()]
    )

    result = subprocess.run(
        [haproxy_executable(), "-c", "-f", str(config)], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0, result.stdout + result.stderr
