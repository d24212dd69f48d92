"""The directory's partners: read by anyone, their profile changed by their own members."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from cocreate.core.images import image_upload_rate_limit_enforce

from .. import selectors, services
from ..forms import DirectoryFilterForm
from ..logos import logo_check, logo_clean
from ..models import Partner, PartnerKind
from ..taxonomy import Capability, Certification, area_choices
from .fields import AreaCodesField, ChoiceListField


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
        "language",
        OpenApiTypes.STR,
        enum=[code for code, _name in settings.LANGUAGES],
        description="The language the profile is written in.",
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
