from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action

from .models import Event, WebhookDelivery, WebhookEndpoint
from .permissions import may_use_webhooks
from .services import webhook_endpoint_create
from .targets import validate_target


class MayUseWebhooks(permissions.BasePermission):
    message = _("Only partner members and staff register webhooks.")

    def has_permission(self, request, view):
        return may_use_webhooks(request.user)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "secret", "is_active", "created_at"]
        read_only_fields = ["secret", "is_active", "created_at"]

    def validate_url(self, url):
        # The same guard runs again in the service; here DRF reports its refusal on "url".
        validate_target(url)
        return url

    def create(self, validated_data):
        # A refusal of the service reaches the caller through cocreate.core.api.exception_handler.
        return webhook_endpoint_create(owner=self.context["request"].user, **validated_data)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_id",
            "status",
            "attempts",
            "response_status",
            "last_error",
            "created_at",
            "delivered_at",
            "next_attempt_at",
        ]


class WebhookEndpointViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's webhook endpoints (partner members and staff) and their delivery log."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [permissions.IsAuthenticated, MayUseWebhooks]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.filter(owner=self.request.user)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        page = self.paginate_queryset(endpoint.deliveries.order_by("-created_at", "-id"))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
