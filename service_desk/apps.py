from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "service_desk"
    verbose_name = _("Service desk")

    def ready(self):
        from cocreate.core.permissions import register_rule

        from .permissions import is_desk_agent

        # The header's Desk link; the designers' review page links linked tickets with it.
        register_rule("service_desk.desk", is_desk_agent)
