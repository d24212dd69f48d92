"""A post's page, its form (new and edit), delete, and a member's vote, comment, follow, flag."""

from django.contrib import messages
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

from cocreate.accounts.services import EmailNotVerified, verified_email_check
from cocreate.core import pagecache
from cocreate.core.db_routing import replica_reads
from cocreate.core.forms import add_service_errors
from cocreate.core.images import image_upload_rate_limit_hit
from cocreate.core.ratelimit import RateLimited

from .. import permissions, selectors, services
from ..forms import CommentForm, FlagForm, MergeForm, PartFormSet, PostForm, mention_attributes
from ..models import Post
from ..ratelimits import Action, community_rate_limit_hit
from ._common import _back, _error_text, _post_or_404, _product_or_404

COMMENTS_PAGE_SIZE = 50


def _rate_limited(request, action: Action) -> HttpResponse | None:
    return _too_fast(request, community_rate_limit_hit(user=request.user, action=action))


def _too_fast(request, wait: int | None) -> HttpResponse | None:
    if wait is None:
        return None
    template = "community/_rate_limited.html" if request.htmx else "community/rate_limited.html"
    response = render(request, template, {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _apply_errors(error: ValidationError, form, formset) -> None:
    """Put a service's errors on the form, and the build's (`parts`) on the formset."""
    errors = getattr(error, "error_dict", {})
    if "parts" in errors:
        formset._non_form_errors = formset.error_class(
            ValidationError(errors["parts"]).messages, renderer=formset.renderer
        )
        error = ValidationError({field: e for field, e in errors.items() if field != "parts"})
    add_service_errors(form, error)


def _mention_url(post: Post) -> str:
    return reverse("post-mentionable", args=[post.pk])


@require_GET
@pagecache.shared_page_cache
@replica_reads
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
    pagecache.fresh_for(
        request, [post.author_id, *(comment.author_id for comment in comments.object_list)]
    )
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
            "comment_form": CommentForm(mention_url=_mention_url(post)),
            "mention_attributes": mention_attributes(_mention_url(post)),
            "comment_max_length": services.COMMENT_MAX_LENGTH,
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
    # A search that found nothing offers to post it: its text comes as ?title=.
    initial = {"title": PostForm.carried_title(request.GET)}
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
    product = _product_or_404(product_slug)
    verified_email_check(request.user)  # said before the post is written, not after
    return _post_form_page(request, product)


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
        login_url = f"{reverse('account_login')}?{urlencode({'next': back})}"
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
    except Post.DoesNotExist as gone:  # deleted or hidden since it was read
        raise Http404 from gone
    except (ValidationError, EmailNotVerified) as refused:
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
                "own": post.author_id == request.user.pk,
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
def comment_edit(request, product_slug, pk, comment_pk):
    """The author rewrites their comment (the form under it); others' comments are 404."""
    post = _post_or_404(request, product_slug, pk)
    comment = get_object_or_404(
        selectors.comments_for_post(post, request.user), pk=comment_pk, author=request.user
    )
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(form.errors["body"])))
        return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
    try:
        services.comment_update(
            comment=comment, editor=request.user, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Your comment is updated."))
    return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")


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
