from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.menu import register_menu_entry

        from .models import Application, CollaborationProject, Partner
        from .permissions import is_partner_member

        register_menu_entry(_("Partners"), "partners:directory", position=40)
        register_menu_entry(
            _("My organisation"), "partners:mine", position=40, visible=is_partner_member
        )
        # Pages show a partner's status only while it is not active.
        register_status_badges(
            Partner, {Partner.Status.PENDING: "badge-warn", Partner.Status.SUSPENDED: "badge-warn"}
        )
        register_status_badges(
            Application,
            {
                Application.Status.PENDING: "badge-warn",
                Application.Status.APPROVED: "badge-ok",
                Application.Status.REJECTED: "badge-danger",
            },
        )
        register_status_badges(
            CollaborationProject,
            {
                CollaborationProject.Status.PLANNED: "badge-warn",
                CollaborationProject.Status.ACTIVE: "badge-ok",
                CollaborationProject.Status.COMPLETED: "badge-muted",
                CollaborationProject.Status.CANCELLED: "badge-danger",
            },
        )
        # The catalog, a floor below, names who supplies a part and who provides a service.
        from products.models import Part, ValueAddedService
        from products.selectors import register_partners_listed

        from .selectors import part_suppliers, service_providers

        register_partners_listed(Part, part_suppliers)
        register_partners_listed(ValueAddedService, service_providers)
