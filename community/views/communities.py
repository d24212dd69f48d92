"""The communities: the index, a product line's and a product's feeds, similar posts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cocreate.core import keyset
from cocreate.core.db_routing import replica_reads
from cocreate.core.pagecache import shared_page_cache
from products.models import ProductLine

from .. import selectors, services
from ..forms import FeedFilterForm, SimilarPostsForm
from ..models import Post
from ._common import _product_or_404

FEED_PAGE_SIZE = 20
INDEX_TOP_POSTS = 8  # the index's "Most supported" list, across all communities


def _feed_filters(request) -> tuple[FeedFilterForm, selectors.FeedFilters]:
    form = FeedFilterForm(request.GET or None)
    form.is_valid()  # invalid fields are dropped from cleaned_data, valid ones still filter
    data = getattr(form, "cleaned_data", {})
    filters = selectors.FeedFilters(
        kind=data.get("kind") or "",
        status=data.get("status") or "",
        tag=data.get("tag") or "",
        q=data.get("q") or "",
        sort=data.get("sort") or "",
        language=data.get("language") or "",
    )
    return form, filters


def _feed_page(request, filters, posts) -> tuple[keyset.KeysetPage, bool]:
    """The page the `cursor` parameter points at (keyset pagination: as fast 2,000 pages deep
    as on the first, with no count of the feed), and whether that cursor was valid. Without a
    language filter, posts in the reader's language come first (selectors.feed_parts)."""
    parts = selectors.feed_parts(posts, filters, get_language())
    try:
        page = keyset.paginate_parts(
            parts, cursor=request.GET.get("cursor") or None, page_size=FEED_PAGE_SIZE
        )
    except keyset.InvalidCursor:
        return keyset.KeysetPage([]), False
    page.object_list = selectors.decorate_posts(page.object_list, request.user)
    return page, True


def _feed_context(request, form, filters, **scope) -> tuple[dict, int]:
    """The feed's page (of `scope`: a product, or products) and the response status: 400 for
    bad filters or a bad cursor, with an empty page rather than a guess at what was meant.
    A search is counted first: when its words match nothing, it forgives them (see
    selectors.searched_feed)."""
    if form.errors:
        return {"page": keyset.KeysetPage([]), "bad_input": True}, 400
    search = selectors.searched_feed(filters, **scope) if filters.q else None
    posts = search.posts if search else selectors.post_feed(filters, **scope)
    page, valid = _feed_page(request, filters, posts)
    context = {"page": page, "bad_input": not valid}
    if valid and search:
        context |= {
            "match_count": search.match_count,
            "match_cap": selectors.SEARCH_COUNT_CAP,
            "forgiven": search.forgiven,
        }
        if not search.match_count:
            context["post_it"] = _post_it_offers(request, filters.q, **scope)
    return context, 200 if valid else 400


def _post_it_offers(request, text, *, product=None, products=None) -> list[dict]:
    """Where a search that found nothing may be posted as a new idea, its text carried over as
    the title: the product's new-post form (each of the line's products on a line's page),
    through the sign-in page for a signed-out reader."""
    offers = []
    for each in [product] if product is not None else list(products):
        url = f"{reverse('community:post_new', args=[each.slug])}?{urlencode({'title': text})}"
        if not request.user.is_authenticated:
            url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': url})}"
        offers.append({"product": each, "url": url})
    return offers


def _sort_tabs(filters: selectors.FeedFilters) -> list[dict]:
    current = filters.sort or (selectors.RELEVANCE if filters.q else selectors.DEFAULT_SORT)
    return [
        {"value": value, "label": label, "current": value == current}
        for value, label in selectors.sort_choices(with_relevance=bool(filters.q))
    ]


def _kind_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, counts[value]) for value, label in Post.Kind.choices if counts.get(value)]


@require_GET
@replica_reads
def index(request):
    """Every community, grouped by product line, and the most voted posts across them."""
    top_posts = selectors.decorate_posts(
        list(selectors.post_feed(selectors.FeedFilters(sort="top"))[:INDEX_TOP_POSTS]),
        request.user,
    )
    return render(
        request,
        "community/index.html",
        {"lines": selectors.communities(), "top_posts": top_posts},
    )


@require_GET
@replica_reads
def line_detail(request, slug):
    """A product line: its products' communities and their posts in one feed."""
    line = get_object_or_404(ProductLine, slug=slug)
    form, filters = _feed_filters(request)
    feed, status = _feed_context(request, form, filters, products=line.products.all())
    context = feed | {
        "line": line,
        "form": form,
        "filters": filters,
        "sort_tabs": _sort_tabs(filters),
        "show_product": True,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "community/_feed_results.html", context, status=status)
    context["products"] = selectors.line_products(line)
    form.offer(selectors.line_post_facets(line))
    return render(request, "community/line.html", context, status=status)


@require_GET
@shared_page_cache
@replica_reads
def product_feed(request, product_slug):
    """A product's community: its posts, filtered, searched and sorted."""
    product = _product_or_404(product_slug)
    form, filters = _feed_filters(request)
    feed, status = _feed_context(request, form, filters, product=product)
    context = feed | {
        "product": product,
        "form": form,
        "filters": filters,
        "sort_tabs": _sort_tabs(filters),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "community/_feed_results.html", context, status=status)
    facets = selectors.product_post_facets(product)
    form.offer(facets)
    context["kind_counts"] = _kind_counts(facets.kinds)
    context["follow"] = selectors.community_follow_state(product, request.user)
    return render(request, "community/product.html", context, status=status)


@login_required
@require_POST
def product_follow(request, product_slug):
    """Follow or unfollow the product's community: its new posts reach the follower."""
    product = _product_or_404(product_slug)
    if request.POST.get("follow", "1") == "1":
        services.product_follow_add(user=request.user, product=product)
        messages.success(
            request,
            _("You follow the %(product)s community: you will hear of its new posts.")
            % {"product": product.name},
        )
    else:
        services.product_follow_remove(user=request.user, product=product)
        messages.success(
            request,
            _("You no longer follow the %(product)s community.") % {"product": product.name},
        )
    return redirect("community:product", product.slug)


@require_GET
@replica_reads
def similar(request, product_slug):
    """htmx: the product's posts most like the title being typed."""
    product = _product_or_404(product_slug)
    form = SimilarPostsForm(request.GET)
    if not form.is_valid():  # an exclude that is no post id: our own pages never send one
        return render(request, "community/_similar.html", {"posts": [], "text": ""}, status=400)
    text = form.cleaned_data["title"]
    posts = selectors.similar_posts(
        product=product, text=text, exclude_id=form.cleaned_data["exclude"]
    )
    return render(request, "community/_similar.html", {"posts": posts, "text": text})
