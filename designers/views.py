"""The designers' workspace pages. Thin: selectors read, services write."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreate.core.charts import bar_chart, column_chart, funnel_chart
from cocreate.core.forms import add_service_errors
from community.models import Post
from community.selectors import build_of
from products.models import Product

from . import permissions, selectors, services
from .forms import EvaluationForm, PollAnswerForm, QueueFilterForm, StatusChangeForm
from .models import Poll, PollAnswer, ReviewItem

QUEUE_PAGE_SIZE = 25
# The item page's votes chart, by the bucket the post's age asks for (selectors.votes_over_time).
VOTE_CHART_TITLES = {
    "day": gettext_lazy("Votes per day since the post was published"),
    "week": gettext_lazy("Votes per week since the post was published"),
    "month": gettext_lazy("Votes per month since the post was published"),
}


def designer_required(view):
    """Logged-in designers (or staff); anyone else logged in gets 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not permissions.may_design(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@designer_required
def queue(request):
    form = QueueFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = selectors.QueueFilters(
        product=data.get("product"),
        kind=data.get("kind") or "",
        state=data.get("state") or "",
        sort=data.get("sort") or selectors.QueueSort.SUPPORT,
    )
    page = Paginator(selectors.review_queue(filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.queue_counts()
    form.offer(counts)
    return render(
        request,
        "designers/queue.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "sort": filters.sort,
            "sort_label": selectors.QueueSort(filters.sort).label,
        },
    )


def _status_form(item, data=None):
    return StatusChangeForm(data, post=item.post, targets=selectors.adoption_targets(item.post))


def _item_page(request, item, form, status=200):
    post = item.post
    votes = selectors.votes_over_time(post)
    tickets = getattr(post, "ticket_list", None)
    return render(
        request,
        "designers/item.html",
        {
            "item": item,
            "post": post,
            "form": form,
            "final": not services.next_statuses(post),
            "build": build_of(post),
            "comments": selectors.discussion(post, request.user, page=request.GET.get("page")),
            "votes": votes,
            "vote_chart": column_chart(votes.columns, title=str(VOTE_CHART_TITLES[votes.unit])),
            "similar": selectors.similar_to(post),
            "tickets": tickets,
            "more_tickets": getattr(post, "linked_ticket_total", 0) - len(tickets or ()),
            "desk_links": permissions.may_open_desk_tickets(request.user),
            "history": list(post.status_changes.all()),
        },
        status=status,
    )


def _get_item(pk):
    try:
        return selectors.review_item_for_page(pk)
    except ReviewItem.DoesNotExist:
        raise Http404 from None


@designer_required
def item_detail(request, pk):
    item = _get_item(pk)
    return _item_page(request, item, _status_form(item))


@designer_required
@require_POST
def item_assign(request, pk):
    item = get_object_or_404(ReviewItem, pk=pk)
    services.review_item_assign(item=item, user=request.user)
    messages.success(request, _("The item is assigned to you."))
    return redirect(item)


@designer_required
@require_POST
def item_status(request, pk):
    item = _get_item(pk)
    form = _status_form(item, request.POST)
    if form.is_valid():
        try:
            services.post_status_change(
                post=item.post,
                status=form.cleaned_data["status"],
                message=form.cleaned_data["message"],
                author=request.user,
                adopted_in=form.cleaned_data["adopted_in"],
                duplicate_of=form.cleaned_data["duplicate_of"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is published on the post."))
            return redirect(item)
    return _item_page(request, _get_item(pk), form, status=400)


@designer_required
def dashboard(request):
    slug = request.GET.get("product") or ""
    product = Product.objects.filter(slug=slug).first() if slug else None
    data = selectors.dashboard(product)
    charts = {
        "surfaced": column_chart(data["surfaced"], title=_("Items surfaced per week")),
        "funnel": funnel_chart(data["funnel"], title=_("Suggestions and modifications by stage")),
        "generations": bar_chart(
            data["generations"] or [(_("None yet"), 0)], title=_("Adoptions per generation")
        ),
        "posts": column_chart(data["posts"], title=_("New ideas per week")),
        "votes": column_chart(data["votes"], title=_("Votes per week")),
    }
    return render(
        request,
        "designers/dashboard.html",
        {
            "charts": charts,
            "product": product,
            "products": selectors.designed_products(),
            "open_items": data["open_items"],
        },
    )


@designer_required
def evaluation_new(request):
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.evaluation_publish(
                author=request.user,
                product=form.cleaned_data["product"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                question=form.cleaned_data["question"],
                choices=form.choice_list(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evaluation is published."))
            if hasattr(post, "poll"):
                return redirect("designers:poll", post.poll.pk)
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return render(request, "designers/evaluation_form.html", {"form": form}, status=status)


def poll_detail(request, pk):
    """Anyone sees the question; a customer answers once and sees the results after; the team
    (staff, agents, designers) sees the results and answers nothing."""
    poll = get_object_or_404(
        Poll.objects.select_related("post__product", "post__author").filter(
            Post.listed_via("post")
        ),
        pk=pk,
    )
    answered = None
    if request.user.is_authenticated:
        answered = PollAnswer.objects.filter(poll=poll, user=request.user).first()
    may_answer = permissions.may_answer_poll(request.user)
    form = PollAnswerForm(poll=poll)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_answer:
            raise PermissionDenied
        form = PollAnswerForm(request.POST, poll=poll)
        if form.is_valid():
            try:
                services.poll_answer(
                    poll=poll, choice=form.cleaned_data["choice"], user=request.user
                )
            except services.PollAlreadyAnswered as error:
                messages.error(request, error.message)
                status = 409
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("choice", message)
                status = 400
            else:
                messages.success(request, _("Thank you for answering."))
                return redirect("designers:poll", poll.pk)
        else:
            status = 400
    choices = list(poll.choices.annotate(n=Count("answers")))
    total = sum(choice.n for choice in choices)
    show_results = permissions.may_see_poll_results(request.user, answered=answered is not None)
    return render(
        request,
        "designers/poll.html",
        {
            "poll": poll,
            "post": poll.post,
            "choices": choices,
            "form": form,
            "answered": answered,
            "may_answer": may_answer,
            "show_results": show_results,
            "results": bar_chart(
                [(choice.label, choice.n) for choice in choices],
                title=_("Answers (%(total)d)") % {"total": total},
            )
            if show_results
            else "",
            "is_evaluation": poll.post.kind == Post.Kind.EVALUATION,
        },
        status=status,
    )
