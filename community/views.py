"""Community pages. Thin: they read through selectors, write through services."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cocreate.core import keyset
from cocreate.core.forms import add_service_errors
from cocreate.core.images import image_upload_rate_limit_hit
from cocreate.core.pagecache import anonymous_page_cache
from cocreate.core.ratelimit import RateLimited
from products.models import Product, ProductLine

from . import permissions, roadmap, selectors, services
from .forms import (
    CommentForm,
    FeedFilterForm,
    FlagForm,
    MergeForm,
    PartFormSet,
    PostForm,
    RoadmapFilterForm,
    SimilarPostsForm,
)
from .models import REPUTATION_POINTS, Comment, Post, ReputationEvent
from .ratelimits import Action, community_rate_limit_hit

FEED_PAGE_SIZE = 20
COMMENTS_PAGE_SIZE = 50
PROFILE_PAGE_SIZE = 20
MODERATION_PAGE_SIZE = 25
INDEX_TOP_POSTS = 8  # the index's "Most supported" list, across all communities


# --- Helpers -------------------------------------------------------------------------------------


def _rate_limited(request, action: Action) -> HttpResponse | None:
    return _too_fast(request, community_rate_limit_hit(user=request.user, action=action))


def _too_fast(request, wait: int | None) -> HttpResponse | None:
    if wait is None:
        return None
    template = "community/_rate_limited.html" if request.htmx else "community/rate_limited.html"
    response = render(request, template, {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


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


def _feed_page(request, posts) -> tuple[keyset.KeysetPage, bool]:
    """The page the `cursor` parameter points at (keyset pagination: as fast 2,000 pages deep
    as on the first, with no count of the feed), and whether that cursor was valid."""
    try:
        page = keyset.paginate(
            posts, cursor=request.GET.get("cursor") or None, page_size=FEED_PAGE_SIZE
        )
    except keyset.InvalidCursor:
        return keyset.KeysetPage([]), False
    page.object_list = selectors.decorate_posts(page.object_list, request.user)
    return page, True


def _feed_context(request, form, filters, posts) -> tuple[dict, int]:
    """The feed's page and the response status: 400 for bad filters or a bad cursor, with an
    empty page rather than a guess at what was meant."""
    if form.errors:
        return {"page": keyset.KeysetPage([]), "bad_input": True}, 400
    page, valid = _feed_page(request, posts)
    context = {"page": page, "bad_input": not valid}
    if valid and filters.q:
        cap = selectors.SEARCH_COUNT_CAP
        context |= {"match_count": selectors.count_capped(posts, cap), "match_cap": cap}
    return context, 200 if valid else 400


def _sort_tabs(filters: selectors.FeedFilters) -> list[dict]:
    current = filters.sort or (selectors.RELEVANCE if filters.q else selectors.DEFAULT_SORT)
    return [
        {"value": value, "label": label, "current": value == current}
        for value, label in selectors.sort_choices(with_relevance=bool(filters.q))
    ]


def _kind_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, counts[value]) for value, label in Post.Kind.choices if counts.get(value)]


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


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _apply_errors(error: ValidationError, form, formset) -> None:
    """Put a service's errors on the form, and the build's (`parts`) on the formset."""
    errors = getattr(error, "error_dict", {})
    if "parts" in errors:
        formset._non_form_errors = formset.error_class(
            ValidationError(errors["parts"]).messages, renderer=formset.renderer
        )
        error = ValidationError({field: e for field, e in errors.items() if field != "parts"})
    add_service_errors(form, error)


# --- Communities ---------------------------------------------------------------------------------


@require_GET
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
def line_detail(request, slug):
    """A product line: its products' communities and their posts in one feed."""
    line = get_object_or_404(ProductLine, slug=slug)
    form, filters = _feed_filters(request)
    feed, status = _feed_context(
        request, form, filters, selectors.post_feed(filters, products=line.products.all())
    )
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
    return render(request, "community/line.html", context, status=status)


@require_GET
@anonymous_page_cache
def product_feed(request, product_slug):
    """A product's community: its posts, filtered, searched and sorted."""
    product = _product_or_404(product_slug)
    form, filters = _feed_filters(request)
    feed, status = _feed_context(
        request, form, filters, selectors.post_feed(filters, product=product)
    )
    context = feed | {
        "product": product,
        "form": form,
        "filters": filters,
        "sort_tabs": _sort_tabs(filters),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "community/_feed_results.html", context, status=status)
    context["kind_counts"] = _kind_counts(selectors.product_post_counts(product))
    return render(request, "community/product.html", context, status=status)


@require_GET
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


# --- Posts ---------------------------------------------------------------------------------------


@require_GET
@anonymous_page_cache
def post_detail(request, product_slug, pk):
    try:
        post = selectors.post_for_page(pk, request.user)
    except Post.DoesNotExist as error:
        raise Http404(_("No such post.")) from error
    if post.product.slug != product_slug:
        return redirect(post, permanent=True)
    selectors.decorate_posts([post], request.user)
    paginator = Paginator(selectors.comments_for_post(post, request.user), COMMENTS_PAGE_SIZE)
    number = request.GET.get("page")
    comments = paginator.get_page(paginator.num_pages if number == "last" else number)
    comments.object_list = selectors.decorate_comments(list(comments.object_list), post)
    moderator = permissions.can_moderate(request.user)
    return render(
        request,
        "community/post_detail.html",
        {
            "post": post,
            "product": post.product,
            "build": selectors.build_of(post),
            "comments": comments,
            "state": selectors.viewer_state(post, request.user),
            "comment_form": CommentForm(),
            "flag_form": FlagForm(),
            "merge_form": MergeForm() if moderator else None,
            "is_moderator": moderator,
            "comments_officially": permissions.comments_officially(request.user),
            "is_author": request.user.is_authenticated and request.user.pk == post.author_id,
        },
    )


def _post_form_page(request, product, *, post=None):
    similar_url = reverse("community:similar", args=[product.slug])
    if post is not None:
        similar_url += f"?exclude={post.pk}"
    initial = {}
    part_initial = []
    if post is not None:
        initial = {
            "kind": post.kind,
            "title": post.title,
            "body": post.body,
            "tags": ", ".join(tag.name for tag in post.tags.all()),
            "language": post.language,
        }
        part_initial = [{"part": row.part_id, "quantity": row.quantity} for row in post.parts.all()]
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = PostForm(data, files, initial=initial, similar_url=similar_url)
    formset = PartFormSet(data, initial=part_initial, product=product, prefix="parts")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {
            "kind": form.cleaned_data["kind"],
            "title": form.cleaned_data["title"],
            "body": form.cleaned_data["body"],
            "tags": form.tag_names(),
            "images": form.cleaned_data["images"],
            "language": form.cleaned_data["language"],
        }
        try:
            fields["parts"] = formset.rows()
            if post is None:
                # Counted against the rate limit once its content follows the rules, as in the
                # API (community/ratelimits.py): fixing a typo is not spamming. Edits do not count.
                post = services.post_submit(author=request.user, product=product, **fields)
                messages.success(request, _("Your post is published."))
            else:
                if fields["images"]:
                    # An edit carrying images counts once its content follows the rules and
                    # the images' headers pass, before a pixel is decoded (cocreate/core/
                    # images.py); edits without images do not count.
                    services.post_validate(
                        **{name: fields[name] for name in ("kind", "title", "body", "tags")},
                        parts=fields["parts"],
                        images=fields["images"],
                    )
                    limited = _too_fast(request, image_upload_rate_limit_hit(user=request.user))
                    if limited:
                        return limited
                post = services.post_update(
                    post=post,
                    editor=request.user,
                    remove_image_ids=form.cleaned_data["remove_image"],
                    **fields,
                )
                messages.success(request, _("Your changes are saved."))
            return redirect(post)
        except RateLimited as limited:
            return _too_fast(request, limited.wait)
        except ValidationError as error:
            _apply_errors(error, form, formset)
    return render(
        request,
        "community/post_form.html",
        {
            "product": product,
            "post": post,
            "form": form,
            "formset": formset,
            "images": list(post.images.all()) if post is not None else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def post_new(request, product_slug):
    return _post_form_page(request, _product_or_404(product_slug))


@login_required
def post_edit(request, product_slug, pk):
    post = _post_or_404(request, product_slug, pk)
    if post.author_id != request.user.pk:
        raise Http404
    if post.is_locked:
        messages.error(request, _("This post is locked: it can no longer be edited."))
        return redirect(post)
    return _post_form_page(request, post.product, post=post)


@login_required
def post_delete(request, product_slug, pk):
    post = _post_or_404(request, product_slug, pk)
    if post.author_id != request.user.pk:
        raise Http404
    refusal = services.post_delete_refusal(post)
    if refusal is not None:
        messages.error(request, _error_text(refusal))
        return redirect(post)
    if request.method == "POST":
        try:
            services.post_delete(post=post, actor=request.user)
        except ValidationError as error:  # decided in the meantime
            messages.error(request, _error_text(error))
            return redirect(post)
        messages.success(request, _("Your post is deleted."))
        return redirect("community:product", post.product.slug)
    return render(request, "community/post_delete.html", {"post": post, "product": post.product})


@require_POST
def post_vote(request, product_slug, pk):
    """Toggle the viewer's vote; htmx swaps the button in place, a plain form comes back."""
    if not request.user.is_authenticated:
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("community:product", args=[product_slug])
        login_url = f"{reverse('login')}?{urlencode({'next': back})}"
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return redirect(login_url)
    post = _post_or_404(request, product_slug, pk)
    limited = _rate_limited(request, Action.VOTE)
    if limited:
        return limited
    wants_vote = request.POST.get("voted", "1") == "1"
    error = ""
    try:
        state = services.vote_toggle(user=request.user, post=post, voted=wants_vote)
    except ValidationError as refused:
        error = _error_text(refused)
        state = services.VoteState(
            vote_count=post.vote_count,
            voted=selectors.voted_post_ids(request.user, [post.pk]) == {post.pk},
        )
    if request.htmx:
        html = render_to_string(
            "community/_vote.html",
            {
                "post": post,
                "vote_count": state.vote_count,
                "voted": state.voted,
                "vote_error": error,
                "next": request.POST.get("next", ""),
            },
            request=request,
        )
        return HttpResponse(html, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return _back(request, post)


@login_required
@require_POST
def post_comment(request, product_slug, pk):
    post = _post_or_404(request, product_slug, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        # A comment counts once it is valid, as in the API (community/ratelimits.py).
        limited = _rate_limited(request, Action.COMMENT)
        if limited:
            return limited
        try:
            comment = services.comment_create(
                post=post, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(post)
        messages.success(request, _("Your comment is posted."))
        return redirect(f"{post.get_absolute_url()}?page=last#comment-{comment.pk}")
    messages.error(request, _error_text(ValidationError(form.errors["body"])))
    return redirect(f"{post.get_absolute_url()}#comment-form")


@login_required
@require_POST
def post_follow(request, product_slug, pk):
    post = _post_or_404(request, product_slug, pk)
    try:
        if request.POST.get("follow", "1") == "1":
            services.follow_add(user=request.user, post=post)
            messages.success(request, _("You follow this post: you will hear of its news."))
        else:
            services.follow_remove(user=request.user, post=post)
            messages.success(request, _("You no longer follow this post."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return _back(request, post)


@login_required
@require_POST
def post_flag(request, product_slug, pk):
    post = _post_or_404(request, product_slug, pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        # A flag counts once it is valid, as in the API (community/ratelimits.py).
        limited = _rate_limited(request, Action.FLAG)
        if limited:
            return limited
        try:
            services.flag_create(reporter=request.user, post=post, **form.cleaned_data)
            messages.success(request, _("Thank you: the moderators will look at it."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, _("Choose a reason for the flag."))
    return _back(request, post)


# --- Moderation ----------------------------------------------------------------------------------


def _require_moderator(request) -> None:
    if not permissions.can_moderate(request.user):
        raise Http404


@login_required
@require_POST
def post_moderate(request, product_slug, pk):
    """hide / restore / lock / unlock, by a moderator."""
    _require_moderator(request)
    post = _post_or_404(request, product_slug, pk)
    action = request.POST.get("action", "")
    actions = {
        "hide": (services.post_hide, {}, _("The post is hidden.")),
        "restore": (services.post_restore, {}, _("The post is visible again; flags dismissed.")),
        "lock": (services.post_lock, {"locked": True}, _("The post is locked.")),
        "unlock": (services.post_lock, {"locked": False}, _("The post is unlocked.")),
    }
    if action not in actions:
        messages.error(request, _("Unknown moderation action."))
        return _back(request, post)
    service, extra, done = actions[action]
    try:
        service(post=post, moderator=request.user, **extra)
    except ValidationError as error:  # the post changed since the page showed it
        messages.error(request, _error_text(error))
        return _back(request, post)
    messages.success(request, done)
    return _back(request, post)


@login_required
@require_POST
def post_merge(request, product_slug, pk):
    _require_moderator(request)
    source = _post_or_404(request, product_slug, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of the post to merge into."))
        return redirect(source)
    target = Post.objects.alive().filter(pk=form.cleaned_data["target"]).first()
    if target is None:
        messages.error(request, _("There is no post with that number."))
        return redirect(source)
    try:
        services.post_merge(
            source=source,
            target=target,
            moderator=request.user,
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(source)
    messages.success(request, _("Merged: votes and followers moved to this post."))
    return redirect(target)


@login_required
@require_POST
def comment_moderate(request, product_slug, pk, comment_pk):
    _require_moderator(request)
    post = _post_or_404(request, product_slug, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, post=post)
    hidden = request.POST.get("hidden") == "1"
    services.comment_hide(comment=comment, moderator=request.user, hidden=hidden)
    messages.success(
        request, _("The comment is hidden.") if hidden else _("The comment is visible again.")
    )
    return _back(request, post)


@login_required
@require_GET
def moderation(request):
    """The moderation queue: flagged posts first, then hidden and locked ones."""
    _require_moderator(request)
    view = request.GET.get("view", "flagged")
    if view not in selectors.MODERATION_VIEWS:
        view = "flagged"
    page = Paginator(selectors.moderation_queue(view), MODERATION_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.moderation_counts()
    tabs = [
        {"value": "flagged", "label": _("Flagged"), "count": counts["flagged"]},
        {"value": "hidden", "label": _("Hidden"), "count": counts["hidden"]},
        {"value": "locked", "label": _("Locked"), "count": counts["locked"]},
    ]
    return render(
        request,
        "community/moderation.html",
        {"page": page, "view": view, "tabs": tabs},
    )


# --- People --------------------------------------------------------------------------------------


@require_GET
def profile(request, username):
    """A member's public page: reputation (total, by kind, latest lines) and posts."""
    person = get_object_or_404(get_user_model(), username=username, is_active=True)
    page = Paginator(selectors.posts_by_author(person, request.user), PROFILE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.decorate_posts(list(page.object_list), request.user)
    return render(
        request,
        "community/profile.html",
        {
            "person": person,
            "reputation": selectors.reputation_of(person),
            "breakdown": selectors.reputation_breakdown(person),
            "recent_events": selectors.reputation_recent(person),
            "credits": selectors.credited_generations(person),
            "points": {
                "vote": REPUTATION_POINTS[ReputationEvent.Kind.VOTE_RECEIVED],
                "planned": REPUTATION_POINTS[ReputationEvent.Kind.IDEA_PLANNED],
                "adopted": REPUTATION_POINTS[ReputationEvent.Kind.IDEA_ADOPTED],
            },
            "page": page,
        },
    )


# --- Roadmap -------------------------------------------------------------------------------------

ROADMAP_PAGE_SIZE = 50


def _roadmap_page(request, *, product: Product | None = None) -> HttpResponse:
    """The roadmap of `product` (its community's ideas and those planned for it) or of every
    product: 400 with no ideas for filters it does not know."""
    generations = roadmap.roadmap_generations(product=product)
    form = RoadmapFilterForm(request.GET or None, generations=generations)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = roadmap.RoadmapFilters(
        status=data.get("status") or "",
        kind=data.get("kind") or "",
        generation=data.get("generation") or "",
    )
    counts = roadmap.roadmap_status_counts(filters, product=product)
    tabs = [{"value": "", "label": _("All"), "count": sum(counts.values())}]
    tabs += [
        {"value": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in roadmap.ROADMAP_STATUSES
    ]
    if form.errors:
        page, status = Paginator([], ROADMAP_PAGE_SIZE).get_page(1), 400
    else:
        ideas = roadmap.roadmap_ideas(filters, product=product)
        page, status = Paginator(ideas, ROADMAP_PAGE_SIZE).get_page(request.GET.get("page")), 200
    context = {
        "product": product,
        "form": form,
        "filters": filters,
        "status_tabs": tabs,
        "page": page,
        "lines": roadmap.roadmap_groups(list(page.object_list)),
        "bad_input": bool(form.errors),
    }
    return render(request, "community/roadmap.html", context, status=status)


@require_GET
@anonymous_page_cache
def roadmap_all(request):
    """The roadmap across every product, by product line and generation."""
    return _roadmap_page(request)


@require_GET
@anonymous_page_cache
def roadmap_product(request, product_slug):
    """A product's roadmap: its community's ideas and those planned for it, by generation."""
    return _roadmap_page(request, product=_product_or_404(product_slug))
