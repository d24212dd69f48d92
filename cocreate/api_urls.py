"""Every REST endpoint under /api/v1/. Each app registers its viewsets on the one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from cocreate.accounts.api import ObtainTokenView
from cocreate.notifications.api import NotificationViewSet

router = DefaultRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
