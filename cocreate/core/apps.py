from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cocreate.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib import admin

        from . import checks  # noqa: F401  (registers the system checks)

        # The admin says CoCreate (templates/admin/base_site.html adds the logo and colours).
        admin.site.site_header = _("CoCreate administration")
        admin.site.site_title = _("CoCreate admin")
        admin.site.index_title = _("Manage CoCreate")
