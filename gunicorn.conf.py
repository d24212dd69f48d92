"""gunicorn's settings for CoCreate: gunicorn reads this file from the directory it starts in.

Every value comes from the environment (README, "Serving"); GUNICORN_CMD_ARGS and command-line
options override this file, e.g. GUNICORN_CMD_ARGS="--workers 5".

The worker (cocreate/gunicorn_worker.py) is gthread reading request heads in its event loop, so a
client sending its request slowly holds a connection, not a thread, and only until its header or
body deadline. Run it behind the buffering proxy of deploy/nginx.conf all the same.
"""

import os

from cocreate.gunicorn_worker import BufferingThreadWorker


def _env_int(name, default):
    return int(os.environ.get(name) or default)


def _env_float(name, default):
    return float(os.environ.get(name) or default)


wsgi_app = "cocreate.wsgi:application"
bind = (os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000").split(",")
workers = _env_int("GUNICORN_WORKERS", 3)
worker_class = "cocreate.gunicorn_worker.BufferingThreadWorker"
threads = _env_int("GUNICORN_THREADS", 4)
# A worker busy longer than this on one request is restarted.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# Seconds an idle kept-alive connection waits for its next request (the proxy reuses them).
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
accesslog = "-"
# gunicorn's longest request line (its default is 4094 bytes): longer addresses than the app's
# MAX_URL_LENGTH (4000) then get the app's own 414, JSON under /api/, not gunicorn's HTML one.
limit_request_line = 8190

BufferingThreadWorker.header_timeout = _env_float("GUNICORN_HEADER_TIMEOUT", 10)
BufferingThreadWorker.body_timeout = _env_float("GUNICORN_BODY_TIMEOUT", 20)
BufferingThreadWorker.body_min_rate = _env_int("GUNICORN_BODY_MIN_RATE", 1024)
