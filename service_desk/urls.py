from django.urls import path, register_converter

from . import views


class TicketNumberConverter:
    regex = r"T-\d{6,9}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TicketNumberConverter, "ticket")

app_name = "service_desk"

urlpatterns = [
    # Customers
    path("support/", views.home, name="home"),
    path("support/tickets/", views.ticket_list, name="ticket_list"),
    path("support/tickets/new/", views.ticket_new, name="ticket_new"),
    path("support/tickets/suggestions/", views.ticket_suggestions, name="ticket_suggestions"),
    path("support/tickets/<ticket:number>/", views.ticket_detail, name="ticket_detail"),
    path("support/tickets/<ticket:number>/status/", views.ticket_status, name="ticket_status"),
    path("support/tickets/<ticket:number>/rating/", views.ticket_rate, name="ticket_rate"),
    path(
        "support/tickets/<ticket:number>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    # Knowledge base
    path("support/kb/", views.kb_index, name="kb_index"),
    path("support/kb/<slug:slug>/", views.kb_article, name="kb_article"),
    path("support/kb/<slug:slug>/vote/", views.kb_vote, name="kb_vote"),
    path("support/kb/<slug:slug>/solved/", views.deflect, name="kb_deflect"),
    # Agents
    path("desk/", views.desk_queue, name="desk_queue"),
    path("desk/views/", views.saved_view_create, name="desk_view_create"),
    path("desk/views/<int:pk>/", views.saved_view_edit, name="desk_view_edit"),
    path("desk/views/<int:pk>/delete/", views.saved_view_delete, name="desk_view_delete"),
    path("desk/bulk/", views.bulk_action, name="desk_bulk_start"),
    path("desk/bulk/<int:pk>/", views.bulk_action_page, name="desk_bulk"),
    path("desk/bulk/<int:pk>/progress/", views.bulk_action_progress, name="desk_bulk_progress"),
    path("desk/take-next/", views.desk_take_next, name="desk_take_next"),
    path("desk/metrics/", views.desk_metrics, name="desk_metrics"),
    path("desk/tickets/<ticket:number>/", views.desk_ticket, name="desk_ticket"),
    path("desk/tickets/<ticket:number>/canned/", views.desk_canned, name="desk_canned"),
    path("desk/tickets/<ticket:number>/presence/", views.desk_presence, name="desk_presence"),
    path("desk/tickets/<ticket:number>/macro/", views.desk_macro, name="desk_macro"),
    path("desk/macros/", views.desk_macros, name="desk_macros"),
    path("desk/mail/<int:pk>.eml", views.inbound_mail_eml, name="inbound_mail_eml"),
    path("desk/kb/new/", views.desk_article_new, name="desk_article_new"),
    path("desk/kb/<slug:slug>/edit/", views.desk_article_edit, name="desk_article_edit"),
]
