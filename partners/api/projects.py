"""Collaboration projects: public ones read by anyone, private ones by their partners' members
and staff; started and changed by staff and partner owners. A partner joins a project when one
of its owners accepts its invitation (project_invitations.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from cocreate.core.text import SingleLineSerializerField
from products.models import Product

from .. import selectors, services
from ..models import CollaborationProject, Partner


class ProjectPartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ("slug", "name", "kind")


class ProjectProductSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ProjectSerializer(serializers.ModelSerializer):
    """`partners` are those on the project (accepted); `access` is "summary" for the owner of a
    partner invited to a private project, who reads no description or outcomes until it
    accepts (both empty), else "full"."""

    partners = ProjectPartnerSerializer(many=True, read_only=True)
    products = ProjectProductSerializer(many=True, read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    access = serializers.SerializerMethodField()

    def get_access(self, project) -> str:
        return "full" if getattr(project, "readable", True) else "summary"

    def to_representation(self, project):
        data = super().to_representation(project)
        if not getattr(project, "readable", True):
            data["description_html"] = data["outcomes_html"] = ""
        return data

    class Meta:
        model = CollaborationProject
        fields = (
            "slug",
            "title",
            "kind",
            "status",
            "is_public",
            "access",
            "summary",
            "description_html",
            "outcomes_html",
            "start_date",
            "end_date",
            "partners",
            "products",
            "page_url",
        )
        read_only_fields = fields


class ProjectWriteSerializer(serializers.ModelSerializer):
    """Partners and products by slug; non-staff must include a partner they own. The partners
    the caller owns join at once; every other one is invited."""

    title = SingleLineSerializerField(
        max_length=CollaborationProject._meta.get_field("title").max_length
    )
    summary = SingleLineSerializerField(
        max_length=CollaborationProject._meta.get_field("summary").max_length
    )
    partners = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Partner.objects.active()
    )
    products = serializers.SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Product.objects.all()
    )

    class Meta:
        model = CollaborationProject
        fields = (
            "title",
            "kind",
            "status",
            "is_public",
            "summary",
            "description",
            "outcomes",
            "start_date",
            "end_date",
            "partners",
            "products",
        )

    def validate(self, data):
        start = data.get("start_date", getattr(self.instance, "start_date", None))
        end = data.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The end date cannot be before the start date.")]}
            )
        return data


class ProjectPermission(permissions.BasePermission):
    """Anyone reads; staff and partner owners create; staff and owners of a partner in the
    project change it. A suspended partner's owners do neither (403 saying why)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        if view.action == "create":
            services.project_require_creator(user=request.user)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        services.project_require_manager(user=request.user, project=obj)
        return True


@extend_schema_view(
    list=extend_schema(
        summary="Collaboration projects",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=CollaborationProject.Kind.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=CollaborationProject.Status.values),
        ],
    ),
    retrieve=extend_schema(summary="One collaboration project"),
    create=extend_schema(
        summary="Start a project (staff, or an owner of one of its partners)",
        request=ProjectWriteSerializer,
        responses={201: ProjectSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a project (staff, or an owner of one of its partners)",
        request=ProjectWriteSerializer,
        responses=ProjectSerializer,
    ),
)
class ProjectViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = ProjectSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends: list = []
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, ProjectPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        kind = params.get("kind", "")
        status_filter = params.get("status", "")
        if kind and kind not in CollaborationProject.Kind.values:
            raise ApiValidationError(
                {"kind": [_("“%(value)s” is not a project kind.") % {"value": kind}]}
            )
        if status_filter and status_filter not in CollaborationProject.Status.values:
            raise ApiValidationError(
                {"status": [_("“%(value)s” is not a project status.") % {"value": status_filter}]}
            )
        if getattr(self, "swagger_fake_view", False):
            return CollaborationProject.objects.none()
        return selectors.project_list(user=self.request.user, kind=kind, status=status_filter)

    def _respond(self, project, status_code):
        project = selectors.project_for_page(slug=project.slug, user=self.request.user)
        return Response(ProjectSerializer(project).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = ProjectWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = services.project_create(
            created_by=request.user,
            partners=data.pop("partners"),
            products=data.pop("products", []),
            **data,
        )
        return self._respond(project, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = ProjectWriteSerializer(project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        partners = data.pop("partners", None)
        products = data.pop("products", None)
        # The answer lists active partners only (and the prefetch holds only them): the others
        # on the project are not the caller's to drop, whether `partners` is sent or not.
        current = list(Partner.objects.filter(projects=project).order_by("pk"))
        hidden = [partner for partner in current if not partner.is_active]
        # Partners sent that are not on the project are invited (they join when they accept).
        project = services.project_update(
            project=project,
            by=request.user,
            partners=current if partners is None else [*partners, *hidden],
            products=list(project.products.all()) if products is None else products,
            **data,
        )
        return self._respond(project, status.HTTP_200_OK)
