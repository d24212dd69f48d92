"""Following a product's community: GET reads, POST follows, DELETE unfollows (idempotent), as
the post's `follow` action does for a post."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from products.models import Product

from .. import selectors, services
from .serializers import FollowStateSerializer

# The URL's slug converter: other characters never reach the view.
SLUG_PARAMETER = OpenApiParameter(
    "slug",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    OpenApiParameter.PATH,
    description="The product's slug.",
)


class ProductFollowView(APIView):
    """The caller's follow of a product's community: its new posts notify them."""

    permission_classes = [IsAuthenticated]

    def _product(self, slug: str) -> Product:
        product = Product.objects.filter(slug=slug).first()
        if product is None:
            raise NotFound(_("No product has this slug."))
        return product

    @extend_schema(parameters=[SLUG_PARAMETER], request=None, responses=FollowStateSerializer)
    def get(self, request, slug):
        state = selectors.community_follow_state(self._product(slug), request.user)
        return Response({"following": state.following})

    @extend_schema(parameters=[SLUG_PARAMETER], request=None, responses=FollowStateSerializer)
    def post(self, request, slug):
        services.product_follow_add(user=request.user, product=self._product(slug))
        return Response({"following": True})

    @extend_schema(parameters=[SLUG_PARAMETER], request=None, responses=FollowStateSerializer)
    def delete(self, request, slug):
        services.product_follow_remove(user=request.user, product=self._product(slug))
        return Response({"following": False})
