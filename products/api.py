"""REST endpoints of the catalog: products, parts and the caller's own registrations."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from .models import Part, Product, Registration
from .selectors import part_list, products_with_neighbours, registrations_of
from .services import registration_create, registration_delete

# --- Products -----------------------------------------------------------------------------------


class ProductSerializer(serializers.ModelSerializer):
    line = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    line_name = serializers.CharField(source="line.name", read_only=True)
    predecessor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    successor = serializers.SerializerMethodField()
    image = serializers.ImageField(read_only=True, use_url=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "line",
            "line_name",
            "model_number",
            "generation",
            "status",
            "predecessor",
            "successor",
            "launch_date",
            "warranty_months",
            "description",
            "specs",
            "image",
            "url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_successor(self, product) -> str | None:
        # The reverse one-to-one raises when absent; select_related has already loaded it.
        successor = getattr(product, "successor", None)
        return successor.slug if successor else None


class ProductFilter(django_filters.FilterSet):
    line = django_filters.CharFilter(field_name="line__slug", help_text="Product line slug.")
    status = django_filters.ChoiceFilter(choices=Product.Status.choices)

    class Meta:
        model = Product
        fields = ["line", "status"]


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalog: every product with its line and its neighbours in the generation chain."""

    serializer_class = ProductSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    filterset_class = ProductFilter
    ordering_fields = ["name", "generation", "launch_date"]
    ordering = ["line__position", "line__name", "generation", "name"]

    def get_queryset(self):
        return products_with_neighbours().order_by(*self.ordering)


# --- Parts --------------------------------------------------------------------------------------


class PartSerializer(serializers.ModelSerializer):
    compatible_products = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Part
        fields = [
            "id",
            "sku",
            "name",
            "kind",
            "description",
            "price",
            "currency",
            "compatible_products",
        ]


class PartFilter(django_filters.FilterSet):
    compatible_with = django_filters.CharFilter(
        field_name="compatible_products__slug", help_text="Slug of a product the part fits."
    )
    kind = django_filters.ChoiceFilter(choices=Part.Kind.choices)

    class Meta:
        model = Part
        fields = ["compatible_with", "kind"]


class PartViewSet(viewsets.ReadOnlyModelViewSet):
    """Accessories, components and spare parts, each with the products it fits."""

    serializer_class = PartSerializer
    lookup_value_regex = r"\d+"
    filterset_class = PartFilter
    ordering_fields = ["name", "price"]

    def get_queryset(self):
        return part_list()


# --- Registrations ------------------------------------------------------------------------------


class RegistrationSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Product.objects.all(),
        error_messages={"does_not_exist": _("No product has the slug “{value}”.")},
    )
    product_name = serializers.CharField(source="product.name", read_only=True)
    under_warranty = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "product",
            "product_name",
            "serial_number",
            "purchased_on",
            "warranty_ends_on",
            "under_warranty",
            "created_at",
        ]
        read_only_fields = ["warranty_ends_on", "created_at"]
        # Uniqueness is the service's (and the database's) to enforce, not a pre-check here.
        validators = []

    def get_under_warranty(self, registration) -> bool:
        return registration.under_warranty(timezone.localdate())


class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own registered units; anybody else's are 404."""

    serializer_class = RegistrationSerializer
    lookup_value_regex = r"\d+"
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Registration.objects.none()
        return registrations_of(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = registration_create(
            customer=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        # The unit's tickets stay, without the link to the registration (see the service).
        registration_delete(customer=self.request.user, registration=instance)
