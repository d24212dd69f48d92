"""Every REST endpoint under /api/v1/. Each app registers its viewsets on the one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from cocreate.accounts.api import ObtainTokenView
from cocreate.notifications.api import NotificationViewSet
from cocreate.webhooks.api import WebhookEndpointViewSet
from community.api import PostViewSet, ProductFollowView
from designers.api import PollAnswerView, PostStatusView, ReviewQueueViewSet
from partners.api import (
    ApplicationViewSet,
    MilestoneViewSet,
    PartnerViewSet,
    ProjectFileViewSet,
    ProjectInvitationViewSet,
    ProjectUpdateViewSet,
    ProjectViewSet,
)
from products.api import PartViewSet, ProductViewSet, RegistrationViewSet
from service_desk.api import ArticleViewSet, TicketViewSet

router = DefaultRouter()
router.register("products", ProductViewSet, basename="product")
router.register("parts", PartViewSet, basename="part")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("posts", PostViewSet, basename="post")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
# Before "partners": otherwise "applications" would be read as a partner's slug.
router.register("partners/applications", ApplicationViewSet, basename="partner-application")
router.register("partners", PartnerViewSet, basename="partner")
# A project's work (partners/api/project_work.py), before "projects" and its slug.
_PROJECT = r"projects/(?P<project_slug>[-a-zA-Z0-9_]+)"
router.register(f"{_PROJECT}/updates", ProjectUpdateViewSet, basename="project-update")
router.register(f"{_PROJECT}/milestones", MilestoneViewSet, basename="project-milestone")
router.register(f"{_PROJECT}/files", ProjectFileViewSet, basename="project-file")
router.register("projects", ProjectViewSet, basename="project")
router.register(
    r"projects/(?P<project_slug>[-a-zA-Z0-9_]+)/invitations",
    ProjectInvitationViewSet,
    basename="project-invitation",
)
router.register("tickets", TicketViewSet, basename="ticket")
router.register("kb/articles", ArticleViewSet, basename="kb-article")
router.register("review-queue", ReviewQueueViewSet, basename="review-item")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    # Before the router: "posts/<pk>/status/" is the designers' route, not the posts viewset's.
    path("posts/<int:pk>/status/", PostStatusView.as_view(), name="post-status"),
    path("polls/<int:pk>/answers/", PollAnswerView.as_view(), name="poll-answers"),
    # A product's community, followed (the catalog, a floor below, knows nothing of it).
    path(
        "products/<slug:slug>/follow/", ProductFollowView.as_view(), name="product-community-follow"
    ),
    *router.urls,
]
