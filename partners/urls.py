from django.urls import path

from . import views

app_name = "partners"

# Fixed paths come before `partners/<slug>/`; their first segments are reserved slugs (models.py).
urlpatterns = [
    path("partners/", views.directory, name="directory"),
    path("partners/apply/", views.apply, name="apply"),
    path("partners/applications/", views.application_queue, name="application_queue"),
    path(
        "partners/applications/<int:pk>/",
        views.application_review,
        name="application_review",
    ),
    path("partners/mine/", views.mine, name="mine"),
    path("partners/mine/<slug:slug>/", views.organisation_dashboard, name="manage"),
    path("partners/mine/<slug:slug>/profile/", views.manage_profile, name="profile"),
    path("partners/mine/<slug:slug>/members/", views.manage_members, name="members"),
    path(
        "partners/mine/<slug:slug>/members/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "partners/mine/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("partners/mine/<slug:slug>/catalog/", views.manage_catalog, name="catalog"),
    path(
        "partners/mine/<slug:slug>/catalog/<str:what>/<int:pk>/remove/",
        views.catalog_remove,
        name="catalog_remove",
    ),
    path("partners/mine/<slug:slug>/demand/", views.manage_demand, name="demand"),
    path("partners/mine/<slug:slug>/demand.csv", views.demand_csv, name="demand_csv"),
    path("partners/invitations/<str:token>/", views.invitation, name="invitation"),
    path("partners/projects/", views.project_list, name="projects"),
    path("partners/projects/new/", views.project_create, name="project_create"),
    path("partners/projects/<slug:slug>/", views.project_detail, name="project_detail"),
    path("partners/projects/<slug:slug>/edit/", views.project_edit, name="project_edit"),
    # The work in a project (views/project_work.py): its partners' members and staff only.
    path(
        "partners/projects/<slug:slug>/updates/",
        views.project_update_post,
        name="project_update_post",
    ),
    path(
        "partners/projects/<slug:slug>/milestones/",
        views.project_milestone_add,
        name="project_milestone_add",
    ),
    path(
        "partners/projects/<slug:slug>/milestones/<int:pk>/",
        views.project_milestone_change,
        name="project_milestone_change",
    ),
    path(
        "partners/projects/<slug:slug>/files/", views.project_file_share, name="project_file_share"
    ),
    path("partners/projects/<slug:slug>/files/<int:pk>/", views.project_file, name="project_file"),
    path("partners/projects/<slug:slug>/invite/", views.project_invite, name="project_invite"),
    path(
        "partners/projects/<slug:slug>/invitations/<int:pk>/",
        views.project_invitation,
        name="project_invitation",
    ),
    path(
        "partners/projects/<slug:slug>/invitations/<int:pk>/withdraw/",
        views.project_invitation_withdraw,
        name="project_invitation_withdraw",
    ),
    path("partners/<slug:slug>/", views.partner_detail, name="detail"),
]
