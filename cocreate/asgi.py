import os

from django.core.asgi import get_asgi_application

from cocreate.production import refuse_insecure_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
refuse_insecure_start()
application = get_asgi_application()
