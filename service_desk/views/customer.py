"""The customers' pages under /support/: their tickets, filing one (with the knowledge base's
suggestions), replies, closing and reopening, rating, attachments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cocreate.core.forms import add_service_errors
from cocreate.core.ratelimit import RateLimit, rate_limit_hit
from cocreate.core.uploads import private_file_response
from products.models import Product

from .. import selectors, services
from ..forms import KbSearchForm, RatingForm, ReplyForm, TicketForm
from ..models import Ticket
from ..permissions import customer_may_reopen, customer_reopen_deadline
from ._common import _error_message, _is_id

TICKET_CREATE_RATE = RateLimit(10, 3600)


def home(request):
    popular = selectors.articles(reader_language=request.LANGUAGE_CODE)[:6]
    recent = []
    if request.user.is_authenticated:
        recent = list(selectors.tickets_of_customer(request.user).order_by("-created_at")[:5])
    return render(
        request,
        "service_desk/home.html",
        {"popular": popular, "recent": recent, "kb_form": KbSearchForm()},
    )


@login_required
def ticket_list(request):
    show = request.GET.get("show", "")
    tickets = selectors.tickets_of_customer(request.user).order_by("-created_at", "-id")
    if show == "open":
        tickets = tickets.active()
    elif show == "done":
        tickets = tickets.exclude(status__in=Ticket.ACTIVE_STATUSES)
    page = Paginator(tickets, 20).get_page(request.GET.get("page"))
    return render(request, "service_desk/ticket_list.html", {"page": page, "show": show})


@login_required
def ticket_new(request):
    initial = {}
    if request.GET.get("product"):
        initial["product"] = Product.objects.filter(slug=request.GET["product"]).first()
    form = TicketForm(
        request.POST or None, request.FILES or None, customer=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        wait = rate_limit_hit(key=f"ticket-create:{request.user.pk}", rate=TICKET_CREATE_RATE)
        if wait:
            form.add_error(
                None,
                _("You filed many tickets in a short time. Try again in %(minutes)d minutes.")
                % {"minutes": max(1, wait // 60)},
            )
        else:
            data = form.cleaned_data
            try:
                ticket = services.ticket_create(
                    customer=request.user,
                    product=data["product"],
                    registration=data["registration"],
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    attachments=data["attachments"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Ticket %(number)s was filed. We will answer you here and by e-mail.")
                    % {"number": ticket.number},
                )
                return redirect(ticket)
    return render(request, "service_desk/ticket_new.html", {"form": form})


@require_GET
def ticket_suggestions(request):
    """htmx: knowledge-base articles matching what the customer is typing."""
    product = None
    if _is_id(product_id := request.GET.get("product", "")):
        product = Product.objects.filter(pk=product_id).first()
    text = f"{request.GET.get('subject', '')} {request.GET.get('description', '')}"[:2000]
    suggestions = selectors.article_suggestions(
        product=product, text=text, reader_language=request.LANGUAGE_CODE
    )
    return render(
        request,
        "service_desk/_suggestions.html",
        {"suggestions": suggestions, "product": product, "query": text.strip()[:300]},
    )


@require_POST
def deflect(request, slug):
    """ "This solved my problem": count it, file nothing."""
    article = selectors.article_for(request.user, slug)
    product = None
    if _is_id(product_id := request.POST.get("product", "")):
        product = Product.objects.filter(pk=product_id).first()
    services.deflection_record(
        article=article, user=request.user, product=product, query=request.POST.get("query", "")
    )
    messages.success(request, _("Glad that solved it! No ticket was filed."))
    return redirect(article)


def _customer_ticket_context(request, ticket, *, reply_form=None, rating_form=None):
    initial_attachments, conversation = selectors.ticket_conversation(
        ticket, include_internal=False
    )
    return {
        "ticket": ticket,
        "conversation": conversation,
        "initial_attachments": initial_attachments,
        "shipments": selectors.ticket_shipments(ticket),
        "reply_form": reply_form or ReplyForm(),
        "rating_form": rating_form or RatingForm(),
        "can_reopen": ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
        and customer_may_reopen(ticket),
        "reopen_until": customer_reopen_deadline(ticket),
        "reopen_days": settings.SERVICE_DESK_REOPEN_DAYS,
    }


@login_required
def ticket_detail(request, number):
    ticket = selectors.ticket_for(request.user, number)
    if ticket.customer_id != request.user.pk:
        return redirect(ticket.get_desk_url())  # an agent opening a customer's link
    reply_form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and reply_form.is_valid():
        try:
            services.ticket_reply(
                ticket=ticket,
                author=request.user,
                body=reply_form.cleaned_data["body"],
                attachments=reply_form.cleaned_data["attachments"],
            )
        except ValidationError as error:  # a TicketConflict too: the ticket is closed
            add_service_errors(reply_form, error)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect(ticket)
    return render(
        request,
        "service_desk/ticket_detail.html",
        _customer_ticket_context(request, ticket, reply_form=reply_form),
    )


@login_required
@require_POST
def ticket_status(request, number):
    """The customer closes or reopens their ticket."""
    ticket = selectors.ticket_for(request.user, number)
    status = {"close": Ticket.Status.CLOSED, "reopen": Ticket.Status.OPEN}.get(
        request.POST.get("action")
    )
    if status is None:
        raise Http404
    try:
        services.ticket_change_status(ticket=ticket, actor=request.user, status=status)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(
            request,
            _("The ticket was closed.")
            if status == Ticket.Status.CLOSED
            else _("The ticket was reopened."),
        )
    return redirect(ticket)


@login_required
@require_POST
def ticket_rate(request, number):
    ticket = selectors.ticket_for(request.user, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_rate(
                ticket=ticket,
                customer=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect(ticket)
    else:
        return render(
            request,
            "service_desk/ticket_detail.html",
            _customer_ticket_context(request, ticket, rating_form=form),
            status=400,
        )
    return redirect(ticket)


@login_required
def attachment_download(request, number, pk):
    """Files are private: only the ticket's customer (not for internal notes) and agents."""
    attachment = selectors.attachment_for(request.user, number, pk)
    return private_file_response(
        attachment.file, filename=attachment.filename, content_type=attachment.content_type
    )
