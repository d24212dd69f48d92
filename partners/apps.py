from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        from cocreate.core.permissions import register_rule

        from .permissions import is_partner_member

        register_rule("partners.member", is_partner_member)  # the header's My organisation link
