from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cocreate.accounts.selectors import has_verified_email

from .kinds import Delivery, kind_groups, kind_groups_for
from .models import Notification
from .selectors import notifications_for, preferences_of
from .services import notification_preferences_set, notifications_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]


MarkedRead = inline_serializer("MarkedRead", {"marked_read": serializers.IntegerField()})


class GroupPreferenceSerializer(serializers.Serializer):
    group = serializers.CharField(source="group.name", help_text="The group's name, to PATCH.")
    label = serializers.CharField(source="group.label")
    description = serializers.CharField(source="group.description")
    section = serializers.CharField(source="group.section")
    delivery = serializers.ChoiceField(Delivery.choices, help_text="How you hear of it now.")
    default = serializers.ChoiceField(Delivery.choices, source="group.default")
    choices = serializers.ListField(
        child=serializers.ChoiceField(Delivery.choices), source="group.choices"
    )
    fixed = serializers.BooleanField(source="group.fixed", help_text="Only one choice.")


class NotificationPreferencesSerializer(serializers.Serializer):
    can_email = serializers.BooleanField(
        help_text="Whether CoCreate may e-mail you; without it everything stays in the app."
    )
    time_zone = serializers.CharField(help_text="Digests are sent in this time zone.")
    digest_hour = serializers.IntegerField(
        help_text="Local hour of the daily digest (and on Mondays the weekly one)."
    )
    groups = GroupPreferenceSerializer(many=True)


class PreferencesUpdateSerializer(serializers.Serializer):
    """Group name → delivery; the groups not named keep theirs. One field per group the caller
    may choose for (every group in the schema)."""

    def get_fields(self):
        user = self.context.get("user")
        groups = kind_groups_for(user) if user is not None else kind_groups()
        return {
            group.name: serializers.ChoiceField(
                [(value, Delivery(value).label) for value in group.choices],
                required=False,
                help_text=str(group.label),
                # DRF reads a dotted source as a path into an object: the name without dots.
                source=_source(group.name),
            )
            for group in groups
        }

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("There is no such kind of notification.")] for name in unknown}
            )
        names = {_source(name): name for name in self.fields}
        return {names[source]: delivery for source, delivery in attrs.items()}


def _update_schema() -> dict:
    """The PATCH body as the schema tells it: group name → delivery, and nothing else (a name no
    group has is a 400, so the object is closed). Read when the URLs load, after every app
    registered its groups."""
    return {
        "type": "object",
        "properties": {
            group.name: {"type": "string", "enum": list(group.choices), "description": group.name}
            for group in kind_groups()
        },
        "additionalProperties": False,
    }


def _source(group_name: str) -> str:
    return group_name.replace(".", "__")


def _preferences(user) -> dict:
    return {
        "can_email": has_verified_email(user),
        "time_zone": user.time_zone,
        "digest_hour": settings.NOTIFICATION_DIGEST_HOUR,
        "groups": preferences_of(user),
    }


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones.")]
    )
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        unread_only = self.action == "list" and self._unread_only()
        return notifications_for(self.request.user, unread_only=unread_only)

    def _unread_only(self) -> bool:
        """`?unread=true` (or 1, yes …); a value that is not a boolean, or none, is a 400."""
        if "unread" not in self.request.query_params:
            return False
        try:
            return serializers.BooleanField().run_validation(self.request.query_params["unread"])
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"unread": error.detail}) from error

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notifications_mark_read(recipient=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedRead)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": notifications_mark_read(recipient=request.user)})

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=NotificationPreferencesSerializer,
        description="How you hear of each group of notifications.",
    )
    @extend_schema(
        methods=["PATCH"],
        request={"application/json": _update_schema()},
        responses=NotificationPreferencesSerializer,
        description="Change how you hear of the groups named (group → delivery).",
    )
    @action(detail=False, methods=["get", "patch"], url_path="preferences")
    def preferences(self, request):
        if request.method == "PATCH":
            data = PreferencesUpdateSerializer(data=request.data, context={"user": request.user})
            data.is_valid(raise_exception=True)
            notification_preferences_set(user=request.user, deliveries=data.validated_data)
        return Response(NotificationPreferencesSerializer(_preferences(request.user)).data)
