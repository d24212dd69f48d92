import os

from django.core.wsgi import get_wsgi_application

from cocreate.production import refuse_insecure_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
refuse_insecure_start()
application = get_wsgi_application()
