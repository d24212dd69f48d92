from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.permissions import register_rule

        from .models import Application, CollaborationProject, Partner
        from .permissions import is_partner_member

        register_rule("partners.member", is_partner_member)  # the header's My organisation link
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
