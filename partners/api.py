"""REST endpoints of the partner directory: partners, applications, collaboration projects."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from cocreate.core.images import image_upload_rate_limit_enforce
from cocreate.core.text import SingleLineSerializerField
from cocreate.core.throttling import ScopedRateThrottle
from products.models import Product

from . import selectors, services
from .forms import DirectoryFilterForm
from .logos import logo_check, logo_clean
from .models import Application, CollaborationProject, Partner, PartnerKind
from .taxonomy import Capability, Certification, area_choices, is_area_code


class AreaCodesField(serializers.ListField):
    """ISO 3166 country codes or named regions; errors come as one flat list of messages."""

    child = serializers.CharField(max_length=20)

    def to_internal_value(self, data):
        if isinstance(data, (str, dict)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        values = list(data)
        unknown = [
            value for value in values if not isinstance(value, str) or not is_area_code(value)
        ]
        if unknown:
            raise serializers.ValidationError(
                [
                    _("“%(value)s” is neither an ISO 3166 country code nor a known region.")
                    % {"value": value}
                    for value in unknown
                ]
            )
        if len(values) > 60:
            raise serializers.ValidationError(_("List at most 60 countries or regions."))
        return list(dict.fromkeys(values))


class ChoiceListField(serializers.MultipleChoiceField):
    """A list of choices that keeps the caller's order (DRF's own returns a set)."""

    def to_internal_value(self, data):
        chosen = super().to_internal_value(data)
        return [value for value in dict.fromkeys(data) if value in chosen]


# --- Partners ---------------------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)
    country_name = serializers.CharField(source="country.name", read_only=True)
    logo = serializers.ImageField(read_only=True, use_url=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="partner-detail", lookup_field="slug", read_only=True
    )
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Partner
        fields = (
            "url",
            "slug",
            "name",
            "kind",
            "country",
            "country_name",
            "regions_served",
            "capabilities",
            "certifications",
            "verified",
            "status",
            "description",
            "language",
            "website",
            "logo",
            "page_url",
            "created_at",
        )
        read_only_fields = fields


class PartnerUpdateSerializer(serializers.Serializer):
    """What a partner's own members may change (multipart for a logo, JSON otherwise)."""

    kind = serializers.ChoiceField(choices=PartnerKind.choices, required=False)
    country = serializers.ChoiceField(choices=list(countries), required=False)
    regions_served = AreaCodesField(required=False)
    capabilities = ChoiceListField(choices=Capability.choices, required=False)
    certifications = ChoiceListField(choices=Certification.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        allow_blank=True,
        help_text="The profile's language; empty: detected from the text.",
    )
    website = serializers.URLField(required=False, allow_blank=True)
    logo = serializers.FileField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="PNG, JPEG, GIF or WebP up to 2 MB (multipart); null removes the logo.",
    )

    def validate_logo(self, upload):
        # Its header only: partial_update decodes it once it is counted against the image rate.
        # DRF reports logo_check's refusal on "logo".
        if upload is not None:
            logo_check(upload)
        return upload


_DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Full-text search (websearch syntax)."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=PartnerKind.values),
    OpenApiParameter(
        "country",
        OpenApiTypes.STR,
        enum=[code for code, _name in countries],
        description="ISO 3166 code of the home country.",
    ),
    OpenApiParameter(
        "serves",
        OpenApiTypes.STR,
        enum=[code for _group, choices in area_choices() for code, _name in choices],
        description="ISO 3166 code or region the partner serves.",
    ),
    OpenApiParameter("capability", OpenApiTypes.STR, enum=Capability.values),
    OpenApiParameter("certification", OpenApiTypes.STR, enum=Certification.values),
    OpenApiParameter("verified", OpenApiTypes.STR, enum=["true", "false"]),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=["relevance", "name", "newest"]),
]


class IsMemberForWrites(permissions.BasePermission):
    """Anyone reads what they may see; only the partner's own members change it."""

    message = gettext_lazy("Only the partner's own members may change it.")

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.membership_of(request.user, obj) is not None


@extend_schema_view(
    list=extend_schema(
        summary="Active partners, filtered and searched", parameters=_DIRECTORY_PARAMETERS
    ),
    retrieve=extend_schema(summary="One partner"),
    partial_update=extend_schema(
        summary="Change your own partner's profile",
        request=PartnerUpdateSerializer,
        responses=PartnerSerializer,
    ),
)
class PartnerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The directory. Lists active partners; a pending or suspended one is visible (and 404 to
    everyone else) only to its members and staff; PATCH is for the partner's own members."""

    serializer_class = PartnerSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends: list = []
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsMemberForWrites]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            form = DirectoryFilterForm(self.request.query_params)
            if not form.is_valid():
                raise ApiValidationError(form.errors)
            return selectors.partner_directory(**form.criteria())
        if getattr(self, "swagger_fake_view", False):
            return Partner.objects.none()
        return selectors.partner_for_api(user=self.request.user)

    def partial_update(self, request, *args, **kwargs):
        partner = self.get_object()
        serializer = PartnerUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        logo = data.pop("logo", "unchanged")
        upload = logo if logo not in (None, "unchanged") else None
        if upload is not None:
            # Counted once the input is valid, decoded only if allowed (cocreate/core/images.py).
            image_upload_rate_limit_enforce(user=request.user)
            try:
                upload = logo_clean(upload)
            except DjangoValidationError as error:
                raise ApiValidationError({"logo": error.messages}) from error
        services.partner_update(partner=partner, logo=upload, remove_logo=logo is None, **data)
        return Response(PartnerSerializer(partner, context=self.get_serializer_context()).data)


# --- Applications ---------------------------------------------------------------------------------


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


# --- Projects ---------------------------------------------------------------------------------------


class ProjectPartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ("slug", "name", "kind")


class ProjectProductSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ProjectSerializer(serializers.ModelSerializer):
    partners = ProjectPartnerSerializer(many=True, read_only=True)
    products = ProjectProductSerializer(many=True, read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = CollaborationProject
        fields = (
            "slug",
            "title",
            "kind",
            "status",
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
    """Partners and products by slug; non-staff must include a partner they own."""

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
        return selectors.project_list(kind=kind, status=status_filter)

    def _respond(self, project, status_code):
        project = selectors.project_for_page(slug=project.slug)
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
        project = services.project_update(
            project=project,
            by=request.user,
            partners=current if partners is None else [*partners, *hidden],
            products=list(project.products.all()) if products is None else products,
            **data,
        )
        return self._respond(project, status.HTTP_200_OK)
