from django.urls import path

from . import views

app_name = "designers"

urlpatterns = [
    path("design/", views.queue, name="queue"),
    path("design/dashboard/", views.dashboard, name="dashboard"),
    path("design/evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("design/items/<int:pk>/", views.item_detail, name="item"),
    path("design/items/<int:pk>/assign/", views.item_assign, name="item_assign"),
    path("design/items/<int:pk>/status/", views.item_status, name="item_status"),
    path("design/polls/<int:pk>/", views.poll_detail, name="poll"),
]
