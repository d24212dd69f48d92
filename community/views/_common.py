"""What the sections share: the product and post a URL names, the way back, error text."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from products.models import Product

from .. import selectors
from ..models import Post


def _product_or_404(slug: str) -> Product:
    return get_object_or_404(Product.objects.select_related("line"), slug=slug)


def _post_or_404(request, product_slug: str, pk: int) -> Post:
    """The post if the viewer may see it; hidden and deleted posts are 404 for others."""
    post = get_object_or_404(
        selectors.visible_posts(request.user).select_related("product", "author"), pk=pk
    )
    if post.product.slug != product_slug:
        raise Http404
    return post


def _back(request, post: Post) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = post.get_absolute_url()
    return redirect(target)


def _error_text(error: ValidationError | PermissionDenied) -> str:
    """A refusal's message(s): a ValidationError's, or a PermissionDenied's that says why."""
    messages = error.messages if isinstance(error, ValidationError) else error.args
    return " ".join(str(message) for message in messages)
