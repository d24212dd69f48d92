"""A project's invitations: its managers invite partners and withdraw invitations; the invited
partner's owners accept or decline. Nested under the project: /api/v1/projects/<slug>/invitations/.

Who sees what: the project's managers (staff too) every invitation, an invited partner's owners
theirs, anyone else none (an empty list, 404 for one). Refusals say why (403); an answer to an
invitation answered already is a 409.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..models import CollaborationProject, Partner, ProjectInvitation
from .projects import ProjectPartnerSerializer


class ProjectInvitationSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partner = ProjectPartnerSerializer(read_only=True)
    invited_by = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = ProjectInvitation
        fields = (
            "id",
            "project",
            "partner",
            "message",
            "status",
            "invited_by",
            "created_at",
            "decided_at",
            "page_url",
        )
        read_only_fields = fields

    def get_invited_by(self, invitation) -> str | None:
        return invitation.invited_by.public_name if invitation.invited_by else None

    def get_page_url(self, invitation) -> str:
        return services.project_invitation_url(invitation)


class ProjectInviteSerializer(serializers.Serializer):
    partner = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Partner.objects.all(),
        help_text="The slug of the partner to invite (an active one, not on the project).",
    )
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=ProjectInvitation._meta.get_field("message").max_length,
        default="",
    )


_PROJECT_SLUG = OpenApiParameter(
    "project_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The project's slug."
)


@extend_schema(parameters=[_PROJECT_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="A project's invitations (managers: all; an invited partner's owners: theirs)"
    ),
    retrieve=extend_schema(summary="One invitation to a project"),
    create=extend_schema(
        summary="Invite a partner to a project (staff, or an owner of one of its partners)",
        request=ProjectInviteSerializer,
        responses={201: ProjectInvitationSerializer},
    ),
)
class ProjectInvitationViewSet(
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = ProjectInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []
    # Inviting is counted by the service (PROJECT_INVITE_RATE, one budget with the page): 429.

    def _project(self) -> CollaborationProject:
        if not hasattr(self, "_project_cache"):
            project = (
                selectors.projects_visible_to(self.request.user)
                .filter(slug=self.kwargs["project_slug"])
                .first()
            )
            if project is None:
                raise Http404
            self._project_cache = project
        return self._project_cache

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProjectInvitation.objects.none()
        return selectors.project_invitations_for(self.request.user, self._project()).order_by(
            "-created_at", "-pk"
        )

    def create(self, request, *args, **kwargs):
        project = self._project()
        # A caller who may not manage the project hears why before their input is checked.
        services.project_require_manager(user=request.user, project=project)
        serializer = ProjectInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.project_invite(
            project=project,
            partner=serializer.validated_data["partner"],
            by=request.user,
            message=serializer.validated_data["message"],
        )
        return Response(
            ProjectInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )

    def _answer(self, service):
        invitation = self.get_object()
        invitation = service(invitation=invitation, by=self.request.user)
        return Response(ProjectInvitationSerializer(invitation).data)

    @extend_schema(
        summary="Accept: the partner joins the project (an owner of the invited partner)",
        request=None,
        responses=ProjectInvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        return self._answer(services.project_invitation_accept)

    @extend_schema(
        summary="Decline (an owner of the invited partner)",
        request=None,
        responses=ProjectInvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        return self._answer(services.project_invitation_decline)

    @extend_schema(
        summary="Withdraw an open invitation (the project's managers)",
        request=None,
        responses=ProjectInvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._answer(services.project_invitation_withdraw)
