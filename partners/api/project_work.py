"""The work in a collaboration project: its updates, milestones and files.

Only staff and the members of the project's accepted partners read or add to it. Anyone else
gets 404 (the work never leaves the project, public or not); a member of a suspended partner
403 with the reason. Writes go through partners.services (the page's rules and rate).
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cocreate.core.text import SingleLineSerializerField

from .. import selectors, services
from ..models import CollaborationProject, Milestone, ProjectFile, ProjectUpdate

PROJECT_SLUG = OpenApiParameter(
    "project_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The project's slug."
)


class ProjectUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    language = serializers.ChoiceField(
        choices=ProjectUpdate._meta.get_field("language").choices,
        required=False,
        help_text="The language it is written in; by default the author's own.",
    )

    class Meta:
        model = ProjectUpdate
        fields = ("id", "author", "partner", "body", "body_html", "language", "created_at")
        read_only_fields = ("id", "author", "partner", "body_html", "created_at")

    def get_author(self, update) -> str | None:
        return update.author.public_name if update.author else None


class MilestoneSerializer(serializers.ModelSerializer):
    title = SingleLineSerializerField(max_length=160)
    done_by = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = (
            "id",
            "title",
            "description",
            "due_at",
            "status",
            "created_at",
            "done_at",
            "done_by",
        )
        read_only_fields = ("id", "created_at", "done_at", "done_by")

    def get_done_by(self, milestone) -> str | None:
        return milestone.done_by.public_name if milestone.done_by else None


class MilestoneChangeSerializer(serializers.Serializer):
    title = SingleLineSerializerField(max_length=160, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    due_at = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(choices=Milestone.Status.choices, required=False)


class ProjectFileSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SerializerMethodField()
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ProjectFile
        fields = (
            "id",
            "filename",
            "content_type",
            "size",
            "description",
            "milestone",
            "uploaded_by",
            "partner",
            "created_at",
            "download_url",
        )
        read_only_fields = fields

    def get_uploaded_by(self, shared) -> str | None:
        return shared.uploaded_by.public_name if shared.uploaded_by else None

    def get_download_url(self, shared) -> str:
        """The permission-checked page that sends the file (the same session or token rules)."""
        return self.context["request"].build_absolute_uri(shared.get_absolute_url())


class ProjectFileUploadSerializer(serializers.Serializer):
    upload = serializers.FileField()
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    milestone = serializers.IntegerField(required=False, allow_null=True)


class _ProjectWork:
    """What the three viewsets share: the project, for those who work in it."""

    permission_classes = [permissions.IsAuthenticated]

    def project(self) -> CollaborationProject:
        if not hasattr(self, "_project"):
            try:
                project = selectors.project_for_page(
                    slug=self.kwargs["project_slug"], user=self.request.user
                )
            except CollaborationProject.DoesNotExist:
                raise Http404 from None
            try:
                services.project_require_worker(user=self.request.user, project=project)
            except services.NotOnProject:
                raise Http404 from None  # a suspended partner's member gets the 403 that says why
            self._project = project
        return self._project


@extend_schema_view(
    list=extend_schema(summary="A project's updates, newest first", parameters=[PROJECT_SLUG]),
    create=extend_schema(summary="Post an update in a project", parameters=[PROJECT_SLUG]),
)
class ProjectUpdateViewSet(
    _ProjectWork, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Updates: Markdown (`body_html` is sanitised), each tagged with its `language`."""

    serializer_class = ProjectUpdateSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProjectUpdate.objects.none()
        return selectors.project_updates(self.project())

    def create(self, request, *args, **kwargs):
        project = self.project()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.project_update_post(
            project=project, author=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="A project's milestones by due time", parameters=[PROJECT_SLUG]),
    create=extend_schema(summary="Add a milestone to a project", parameters=[PROJECT_SLUG]),
    partial_update=extend_schema(
        summary="Change a milestone's status, title, due time or description",
        parameters=[PROJECT_SLUG],
        request=MilestoneChangeSerializer,
        responses=MilestoneSerializer,
    ),
)
class MilestoneViewSet(
    _ProjectWork,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Milestones: `due_at` is a moment (ISO 8601 with its offset), within the project's dates."""

    serializer_class = MilestoneSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        return selectors.project_milestones(self.project())

    def create(self, request, *args, **kwargs):
        project = self.project()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data.pop("status", None)  # a new milestone is planned
        milestone = services.milestone_add(project=project, by=request.user, **data)
        return Response(self.get_serializer(milestone).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()
        serializer = MilestoneChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_change(
            milestone=milestone, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(milestone).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="A project's files, newest first", parameters=[PROJECT_SLUG]),
    create=extend_schema(
        summary="Share a file in a project (multipart)",
        parameters=[PROJECT_SLUG],
        request={"multipart/form-data": ProjectFileUploadSerializer},
        responses={201: ProjectFileSerializer},
    ),
)
class ProjectFileViewSet(
    _ProjectWork, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Files: private to the project; `download_url` sends one to the project's people only."""

    serializer_class = ProjectFileSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProjectFile.objects.none()
        return selectors.project_files(self.project())

    def create(self, request, *args, **kwargs):
        project = self.project()
        serializer = ProjectFileUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        milestone_id = data.pop("milestone", None)
        milestone = None
        if milestone_id is not None:
            # Another project's milestone is named as such by the service (a 400 on the field).
            milestone = Milestone.objects.filter(pk=milestone_id).first()
            if milestone is None:
                raise serializers.ValidationError({"milestone": ["No such milestone."]})
        shared = services.project_file_share(
            project=project, by=request.user, milestone=milestone, **data
        )
        return Response(self.get_serializer(shared).data, status=status.HTTP_201_CREATED)
