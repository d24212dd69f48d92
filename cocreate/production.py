"""What serves requests or runs jobs refuses the development secret key when DEBUG is off.

Settings themselves load in any mode, so that offline tools (makemigrations, compilemessages,
collectstatic while the image builds) need no secret. The entry points that start the site or
its jobs call refuse_insecure_start() first: cocreate/wsgi.py (gunicorn and runserver),
cocreate/asgi.py, and the Celery worker and beat (cocreate/celery.py).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_start() -> None:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development default while DEBUG is off. "
            "Set SECRET_KEY in the environment (or DEBUG=true for development)."
        )
