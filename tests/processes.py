"""What a test needs to run the project's own commands and workers as separate processes."""

import os
import signal
import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

from django.db import connections


def database_url() -> str:
    """The test database as a URL for other processes (workers, commands).

    Host and port go in the query string so that a Unix socket directory (the embedded PostgreSQL)
    works as well as a TCP host.
    """
    db = connections["default"].settings_dict
    query = {key: value for key, value in db["OPTIONS"].items() if isinstance(value, str | int)}
    if db["HOST"]:
        query["host"] = db["HOST"]
    if db["PORT"]:
        query["port"] = db["PORT"]
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@/{db['NAME']}?{urlencode(query)}"


class ChildServer:
    """A server a test starts as a child process, in a process group of its own (`process_group=0`),
    writing its output to `self.log`."""

    process: subprocess.Popen | None = None
    log: Path

    def stop(self):
        """Asks the server to stop; its whole group is killed if it has not within 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
