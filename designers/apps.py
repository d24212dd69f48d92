from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignersConfig(AppConfig):
    name = "designers"
    verbose_name = _("Designers' workspace")
