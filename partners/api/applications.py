"""Applications: an organisation applies (throttled); staff list, approve and reject them."""

from django.utils.translation import gettext as _
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cocreate.core.text import SingleLineSerializerField
from cocreate.core.throttling import ScopedRateThrottle

from .. import services
from ..models import Application
from ..taxonomy import Capability
from .fields import ChoiceListField


class ApplicationSerializer(serializers.ModelSerializer):
    name = SingleLineSerializerField(max_length=Application._meta.get_field("name").max_length)
    country = serializers.ChoiceField(choices=list(countries))
    capabilities = ChoiceListField(choices=Capability.choices, required=False, default=list)
    applicant = serializers.CharField(source="applicant.username", read_only=True)
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Application
        fields = (
            "id",
            "name",
            "kind",
            "country",
            "capabilities",
            "description",
            "website",
            "status",
            "decision_message",
            "applicant",
            "partner",
            "created_at",
            "decided_at",
        )
        read_only_fields = (
            "id",
            "status",
            "decision_message",
            "applicant",
            "partner",
            "created_at",
            "decided_at",
        )
        # Uniqueness is the service's rule (against partners and pending applications alike).
        validators: list = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["country"] = instance.country.code
        return data


class DecisionSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ApplicationThrottle(ScopedRateThrottle):
    """Throttles only submissions; staff reading the queue are not limited by it."""

    def allow_request(self, request, view):
        if view.action != "create":
            return True
        return super().allow_request(request, view)


@extend_schema_view(
    list=extend_schema(summary="Applications: staff see all, others their own"),
    retrieve=extend_schema(summary="One application"),
    create=extend_schema(summary="Apply to become a partner"),
)
class ApplicationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApplicationSerializer
    lookup_value_regex = "[0-9]+"
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []
    throttle_classes = [*viewsets.GenericViewSet.throttle_classes, ApplicationThrottle]
    throttle_scope = "partner_applications"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        user = self.request.user
        applications = Application.objects.select_related("applicant", "partner")
        if user.is_staff:
            status_filter = self.request.query_params.get("status", "")
            if status_filter in Application.Status.values:
                applications = applications.filter(status=status_filter)
            return applications.order_by("created_at", "pk")
        return applications.filter(applicant=user).order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        serializer.instance = services.application_submit(
            applicant=self.request.user, **serializer.validated_data
        )

    def _decide(self, request, decide):
        application = self.get_object()
        if not request.user.is_staff:
            raise PermissionDenied(_("Only staff decide applications."))
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide(application, serializer.validated_data["message"])
        application.refresh_from_db()
        return Response(ApplicationSerializer(application).data, status=status.HTTP_200_OK)

    @extend_schema(
        summary="Approve: creates the active partner, the applicant becomes its owner",
        request=DecisionSerializer,
        responses=ApplicationSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(
            request,
            lambda application, message: services.application_approve(
                application=application, decided_by=request.user, message=message
            ),
        )

    @extend_schema(
        summary="Reject with a message to the applicant",
        request=DecisionSerializer,
        responses=ApplicationSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(
            request,
            lambda application, message: services.application_reject(
                application=application, decided_by=request.user, message=message
            ),
        )
