from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        from cocreate.accounts.roles import Landing
        from cocreate.core.badges import register_status_badges
        from cocreate.core.media import register_private_root
        from cocreate.core.menu import register_menu_entry

        from . import checks  # noqa: F401 (registers the system checks)
        from .models import Application, CollaborationProject, Milestone, Partner, ProjectInvitation
        from .permissions import is_partner_member

        # Projects' shared files are private: /media/ never serves their directory.
        register_private_root("PARTNERS_PROJECT_FILE_ROOT")
        register_menu_entry(_("Partners"), "partners:directory", position=40)
        register_menu_entry(
            _("My organisation"),
            "partners:mine",
            position=40,
            visible=is_partner_member,
            landing=Landing.PARTNER_MEMBER,
            description=_(
                "Your organisation's projects and invitations, profile, members, catalog and demand."
            ),
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
        register_status_badges(
            Milestone,
            {
                Milestone.Status.PLANNED: "badge-muted",
                Milestone.Status.IN_PROGRESS: "badge-info",
                Milestone.Status.DONE: "badge-ok",
                Milestone.Status.CANCELLED: "badge-danger",
            },
        )
        register_status_badges(
            ProjectInvitation,
            {
                ProjectInvitation.Status.PENDING: "badge-warn",
                ProjectInvitation.Status.ACCEPTED: "badge-ok",
                ProjectInvitation.Status.DECLINED: "badge-danger",
                ProjectInvitation.Status.WITHDRAWN: "badge-muted",
            },
        )
        # The catalog, a floor below, names who supplies a part and who provides a service.
        from products.models import Part, ValueAddedService
        from products.selectors import register_partners_listed

        from .selectors import part_suppliers, service_providers

        register_partners_listed(Part, part_suppliers)
        register_partners_listed(ValueAddedService, service_providers)
        _register_notification_kinds()
        # A person's memberships in their data export; the last owner of a partner hands it
        # over before their account may be deleted.
        from cocreate.accounts.personal_data import register_erasure_check, register_personal_data

        from . import personal_data

        register_personal_data("partners", export=personal_data.export, erase=personal_data.erase)
        register_erasure_check(personal_data.last_owner_refusal)
        # Their updates and files in projects: exported; kept on deletion (the author is emptied).
        register_personal_data(
            "projects",
            export=personal_data.projects_export,
            erase=None,
            files=personal_data.project_files,
        )


def _may_hear_of_partners(user) -> bool:
    """Members and staff choose how they hear of the directory; an applicant who is neither yet
    hears of the decision by the default."""
    return bool(user.is_staff or user.is_partner_member)


def _register_notification_kinds() -> None:
    from cocreate.notifications.kinds import Delivery, register_kind_group

    register_kind_group(
        "partners.directory",
        _("Partner directory"),
        description=_("Applications, their decisions and invitations to an organisation."),
        section=_("Partners"),
        kinds=[
            "partners.application_submitted",
            "partners.application_approved",
            "partners.application_rejected",
            "partners.invitation",
            "partners.invitation_accepted",
        ],
        default=Delivery.EMAIL,
        visible=_may_hear_of_partners,
        position=50,
    )
    register_kind_group(
        "partners.projects",
        _("Collaboration projects"),
        description=_(
            "Invitations to collaboration projects and the answers to them, updates in the "
            "projects you work in and their milestones coming due."
        ),
        section=_("Partners"),
        kinds=[
            "partners.project_invitation",
            "partners.project_invitation_accepted",
            "partners.project_invitation_declined",
            "partners.project_invitation_withdrawn",
            "partners.project_update",
            "partners.milestone_due",
            "partners.milestone_done",
        ],
        default=Delivery.EMAIL,
        visible=_may_hear_of_partners,
        position=55,
    )
