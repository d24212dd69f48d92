"""Settings for bench/community.py: production-like (DEBUG off) on loopback, with a bare view.

Only the benchmark uses this module; it differs from cocreate.settings in what a loopback run
needs: plain HTTP, static files from the app directories (no collectstatic manifest) and rate
limits high enough for four clients hammering one account-less page.
"""

import warnings

from cocreate.settings import *  # noqa: F403
from cocreate.settings import REST_FRAMEWORK, STORAGES

DEBUG = False
ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = REST_FRAMEWORK | {
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min")
}

# No collectstatic for a benchmark: WhiteNoise's warning about the missing directory is noise.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
