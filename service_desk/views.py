"""Pages of the service desk: customers under /support/, agents under /desk/. Thin: forms in,
services and selectors out."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cocreate.core.charts import bar_chart, column_chart
from cocreate.core.forms import add_service_errors
from cocreate.core.ratelimit import RateLimit, rate_limit_hit
from products.models import Product

from . import metrics as desk_numbers
from . import post_links, selectors, services
from .forms import (
    AgentReplyForm,
    ArticleForm,
    DeskTicketForm,
    KbSearchForm,
    QueueFilterForm,
    RatingForm,
    ReplyForm,
    ShipmentForm,
    ShipmentUpdateForm,
    TicketForm,
)
from .models import CannedResponse, KnowledgeArticle, Shipment, Ticket, TicketMessage
from .permissions import customer_may_reopen, customer_reopen_deadline, is_desk_agent

TICKET_CREATE_RATE = RateLimit(10, 3600)
QUEUE_PAGE_SIZE = 25


def agent_required(view):
    """Agents and staff only: anyone else signed in gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_desk_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _error_message(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _is_id(value: str) -> bool:
    """Whether a query or form value is a row id: ASCII digits only. str.isdigit() alone accepts
    "²" or "٣", which the database lookup then refuses (a 500)."""
    return value.isascii() and value.isdigit()


# --- customer pages -----------------------------------------------------------------------------


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
    return {
        "ticket": ticket,
        "conversation": selectors.ticket_conversation(ticket, include_internal=False),
        "initial_attachments": selectors.ticket_initial_attachments(ticket),
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
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    inline = (
        attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    )
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# --- knowledge base -----------------------------------------------------------------------------


def kb_index(request):
    form = KbSearchForm(request.GET or None)
    # An unknown value (?language=xx) is an error on its field and no filter, as the API
    # refuses it with a 400; the other filters still apply (as in _queue_filters).
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    product = None
    if filters.get("product"):
        product = Product.objects.filter(slug=filters["product"]).first()
    agent = is_desk_agent(request.user)
    rows = selectors.articles(
        q=filters.get("q", ""),
        product=product,
        category=filters.get("category", ""),
        include_drafts=agent,
        language=filters.get("language", ""),
        reader_language=request.LANGUAGE_CODE,
    )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "service_desk/kb_index.html",
        {"form": form, "page": page, "may_write_articles": agent},
    )


def kb_article(request, slug):
    article = selectors.article_for(request.user, slug)
    vote = None
    if request.user.is_authenticated:
        vote = article.votes.filter(user=request.user).values_list("helpful", flat=True).first()
    versions = selectors.article_versions(
        article, request.user, reader_language=request.LANGUAGE_CODE
    )
    in_reader_language = next(
        (v for v in versions if v.language == request.LANGUAGE_CODE and v.is_published), None
    )
    return render(
        request,
        "service_desk/kb_article.html",
        {
            "article": article,
            "vote": vote,
            "versions": versions,
            "in_reader_language": in_reader_language,
            "may_write_articles": is_desk_agent(request.user),
        },
    )


@login_required
@require_POST
def kb_vote(request, slug):
    article = selectors.article_for(request.user, slug)
    helpful = request.POST.get("helpful") == "yes"
    article = services.article_vote(article=article, user=request.user, helpful=helpful)
    if request.htmx:
        return render(
            request, "service_desk/_article_votes.html", {"article": article, "vote": helpful}
        )
    messages.success(request, _("Thank you for your feedback."))
    return redirect(article)


# --- agent desk ---------------------------------------------------------------------------------


def _queue_filters(form, user) -> selectors.QueueFilters:
    # An unknown value (?sla=xx) is an error on its field and no filter; the others still apply.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    status = data.get("status", "")
    return selectors.QueueFilters(
        status="" if status == "all" else status,
        include_done=status == "all",
        priority=str(data.get("priority") or ""),
        category=data.get("category", ""),
        product=data.get("product", ""),
        assignee=data.get("assignee", ""),
        sla=data.get("sla", ""),
        q=data.get("q", ""),
    )


@agent_required
def desk_queue(request):
    form = QueueFilterForm(request.GET or None)
    tickets = selectors.ticket_queue(_queue_filters(form, request.user), viewer=request.user)
    tickets = tickets.defer("description", "description_html")  # the queue shows subjects only
    page = Paginator(tickets, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "service_desk/desk_queue.html", {"form": form, "page": page})


@agent_required
@require_POST
def desk_take_next(request):
    ticket = services.ticket_take_next(agent=request.user)
    if ticket is None:
        messages.info(request, _("Nothing left to take: every new or open ticket has an agent."))
        return redirect("service_desk:desk_queue")
    messages.success(request, _("%(number)s is yours.") % {"number": ticket.number})
    return redirect(ticket.get_desk_url())


def _desk_context(request, ticket, **forms):
    shipments = selectors.ticket_shipments(ticket)
    context = {
        "ticket": ticket,
        "conversation": selectors.ticket_conversation(ticket, include_internal=True),
        "initial_attachments": selectors.ticket_initial_attachments(ticket),
        "history": selectors.ticket_history(ticket, include_internal=True),
        "shipments": shipments,
        "reply_form": forms.get("reply_form") or AgentReplyForm(),
        "update_form": forms.get("update_form")
        or DeskTicketForm(
            initial={
                "status": ticket.status,
                "priority": ticket.priority,
                "category": ticket.category,
                "assignee": ticket.assignee_id,
            }
        ),
        "shipment_form": forms.get("shipment_form") or ShipmentForm(),
        "statuses": Shipment.Status.choices,
    }
    context.update(post_links.desk_context(ticket, forms))
    return context


@agent_required
def desk_ticket(request, number):
    ticket = selectors.ticket_for(request.user, number)
    forms = {}
    if request.method == "POST":
        handler = _DESK_ACTIONS.get(request.POST.get("form", ""))
        if handler is None:
            raise Http404
        outcome = handler(request, ticket)
        if not isinstance(outcome, dict):
            return outcome  # a redirect after success
        forms = outcome
    status = 400 if forms else 200
    return render(
        request,
        "service_desk/desk_ticket.html",
        _desk_context(request, ticket, **forms),
        status=status,
    )


def _desk_reply(request, ticket):
    form = AgentReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return {"reply_form": form}
    data = form.cleaned_data
    body = data["body"] or ""
    if data["canned"] and not body.strip():
        body = data["canned"].render_for(ticket)
    try:
        services.ticket_answer(
            ticket=ticket,
            author=request.user,
            body=body,
            attachments=data["attachments"],
            internal=data["internal"],
            then_status=data["then_status"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return {"reply_form": form}
    messages.success(request, _("Internal note added.") if data["internal"] else _("Reply sent."))
    return redirect(ticket.get_desk_url())


def _desk_update(request, ticket):
    form = DeskTicketForm(request.POST)
    if not form.is_valid():
        return {"update_form": form}
    data = form.cleaned_data
    try:
        services.ticket_edit(
            ticket=ticket,
            actor=request.user,
            priority=data["priority"],
            category=data["category"],
            assignee=data["assignee"],
            status=data["status"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return {"update_form": form}
    messages.success(request, _("Ticket updated."))
    return redirect(ticket.get_desk_url())


def _desk_shipment(request, ticket):
    form = ShipmentForm(request.POST)
    if not form.is_valid():
        return {"shipment_form": form}
    try:
        services.shipment_create(ticket=ticket, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return {"shipment_form": form}
    messages.success(request, _("Shipment recorded; the customer can follow it."))
    return redirect(ticket.get_desk_url())


def _desk_shipment_update(request, ticket):
    form = ShipmentUpdateForm(request.POST, ticket=ticket)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(ticket.get_desk_url())
    try:
        services.shipment_update(actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("Shipment status updated."))
    return redirect(ticket.get_desk_url())


_DESK_ACTIONS = {
    "reply": _desk_reply,
    "update": _desk_update,
    "shipment": _desk_shipment,
    "shipment_update": _desk_shipment_update,
    "link_post": post_links.handle,
    "feedback_post": post_links.handle,
}


@agent_required
@require_GET
def desk_canned(request, number):
    """htmx: the reply box with the chosen canned response added to what was typed."""
    ticket = selectors.ticket_for(request.user, number)
    canned = None
    if _is_id(canned_id := request.GET.get("canned", "")):
        canned = CannedResponse.objects.filter(pk=canned_id).first()
    body = request.GET.get("body", "")
    if canned is not None:
        body = f"{body.rstrip()}\n\n{canned.render_for(ticket)}".strip()
    form = AgentReplyForm(initial={"body": body})
    return render(request, "service_desk/_reply_body.html", {"field": form["body"]})


@agent_required
def desk_article_new(request):
    """Write an article; from a ticket ("turn this answer into an article") it starts filled in."""
    source_ticket = None
    initial = {"status": KnowledgeArticle.Status.DRAFT}
    number = request.GET.get("ticket") or request.POST.get("ticket")
    if number:
        source_ticket = selectors.ticket_for(request.user, number)
        initial.update(
            title=source_ticket.subject,
            product=source_ticket.product_id,
            category=source_ticket.category,
        )
        message_id = request.GET.get("message", "")
        answer = None
        if _is_id(message_id):
            answer = TicketMessage.objects.filter(
                ticket=source_ticket, pk=message_id, internal=False
            ).first()
        if answer is not None:
            initial["body"] = answer.body
    original_slug = request.GET.get("translation_of", "")
    original = KnowledgeArticle.objects.filter(slug=original_slug).first()
    if original is not None:  # "translate this article": the original's place in the base
        initial.update(
            translation_of=(original.translation_of or original).slug,
            product=original.product_id,
            category=original.category,
        )
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_save(
                author=request.user, source_ticket=source_ticket, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Article saved."))
            return redirect(article)
    return render(
        request,
        "service_desk/desk_article_form.html",
        {"form": form, "source_ticket": source_ticket, "article": None},
    )


@agent_required
def desk_article_edit(request, slug):
    article = get_object_or_404(KnowledgeArticle, slug=slug)
    form = ArticleForm(
        request.POST or None,
        initial={
            "title": article.title,
            "product": article.product_id,
            "category": article.category,
            "body": article.body,
            "status": article.status,
            "language": article.language,
            "translation_of": article.translation_of.slug if article.translation_of else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_save(
                author=request.user, article=article, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Article saved."))
            return redirect(article)
    return render(
        request,
        "service_desk/desk_article_form.html",
        {"form": form, "article": article, "source_ticket": None},
    )


METRIC_PERIODS = (7, 30, 90)


@agent_required
def desk_metrics(request):
    days = int(request.GET["days"]) if request.GET.get("days") in {"7", "30", "90"} else 30
    metrics = desk_numbers.desk_metrics(days=days)
    hours = _("h")
    charts = {
        "by_category": bar_chart(metrics.by_category, title=_("Tickets by category")),
        "by_product": bar_chart(metrics.by_product, title=_("Tickets by product")),
        "by_day": column_chart(metrics.by_day, title=_("New tickets per day")),
        "times": bar_chart(
            [
                (_("First response, median"), metrics.first_response_median_h or 0),
                (_("First response, p90"), metrics.first_response_p90_h or 0),
                (_("Resolution, median"), metrics.resolution_median_h or 0),
                (_("Resolution, p90"), metrics.resolution_p90_h or 0),
            ],
            title=_("Response and resolution times (hours)"),
            unit=f" {hours}",
        ),
        "sla": bar_chart(
            metrics.sla_by_priority, title=_("SLA met, by priority (%)"), unit=" %", color="#047857"
        ),
        "csat": bar_chart(
            [(f"{label} ★", count) for label, count in metrics.csat_distribution],
            title=_("Satisfaction scores"),
            color="#d97706",
        ),
    }
    return render(
        request,
        "service_desk/desk_metrics.html",
        {"metrics": metrics, "charts": charts, "periods": METRIC_PERIODS},
    )
