"""The agents' desk under /desk/: the queue, take next, a ticket's page and its forms, canned
responses, writing articles, the numbers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cocreate.core.charts import bar_chart, column_chart
from cocreate.core.forms import add_service_errors

from .. import metrics as desk_numbers
from .. import post_links, presence, selectors, services
from ..forms import (
    AgentReplyForm,
    ArticleForm,
    DeskTicketForm,
    ShipmentForm,
    ShipmentUpdateForm,
)
from ..models import CannedResponse, KnowledgeArticle, Macro, Shipment, Tag, Ticket, TicketMessage
from ..placeholders import PLACEHOLDERS, fill_placeholders
from . import queue
from ._common import _error_message, _form_error_messages, _is_id, agent_required


@agent_required
def desk_queue(request):
    return render(request, "service_desk/desk_queue.html", queue.queue_context(request))


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
    initial_attachments, conversation = selectors.ticket_conversation(ticket, include_internal=True)
    context = {
        "ticket": ticket,
        "conversation": conversation,
        # The reply form carries it back: what was new when the agent pressed Send.
        "seen_message": max((message.pk for message in conversation), default=0),
        "new_messages": forms.get("new_messages", []),
        "files_dropped": forms.get("files_dropped", False),
        "presence_seconds": presence.HEARTBEAT_SECONDS,
        "initial_attachments": initial_attachments,
        "opening_mail": selectors.ticket_opening_mail(ticket),
        "history": selectors.ticket_history(ticket, include_internal=True),
        "shipments": shipments,
        "customer_panel": selectors.customer_overview(ticket),
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
        "ticket_tags": list(ticket.tags.all()),
        "tag_suggestions": selectors.tag_names(),
    }
    reply_form = context["reply_form"]
    # Read into lists through iter(): the template's {% for %} (and list() itself) would count
    # each queryset first, a query each.
    context["macro_choices"] = list(iter(reply_form.fields["macro"].choices))
    context["canned_choices"] = list(iter(reply_form.fields["canned"].choices))
    macro = reply_form.is_bound and getattr(reply_form, "cleaned_data", {}).get("macro")
    if macro:  # "Apply macro" was refused: the changes it makes stay in view
        context["macro_preview"] = _macro_preview(ticket, macro, request.user)
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
    status = (409 if forms.get("new_messages") else 400) if forms else 200
    return render(
        request,
        "service_desk/desk_ticket.html",
        _desk_context(request, ticket, **forms),
        status=status,
    )


def _desk_reply(request, ticket):
    apply_macro = request.POST.get("apply") == "macro"
    form = AgentReplyForm(request.POST, request.FILES, apply_macro=apply_macro)
    if not form.is_valid():
        return {"reply_form": form}
    if apply_macro:
        return _desk_apply_macro(request, ticket, form)
    data = form.cleaned_data
    body = data["body"] or ""
    if data["canned"] and not body.strip():
        try:
            body = fill_placeholders(data["canned"].body, ticket, request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return {"reply_form": form}
    held = _held_for_new_messages(request, ticket, form, body)
    if held:
        return held
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


def _held_for_new_messages(request, ticket, form, body: str) -> dict | None:
    """Someone wrote since the agent's page was drawn: the page again, the new messages shown
    first and the reply (a canned one written out) kept in the box; sending again confirms, as
    the form then carries the newest message's id. None when nothing is new."""
    data = form.cleaned_data
    if data["seen_message"] is None:
        return None
    new = selectors.ticket_messages_after(ticket, data["seen_message"], not_by=request.user)
    if not new:
        return None
    form.data = form.data.copy()
    form.data["body"] = body
    return {
        "reply_form": form,
        "new_messages": new,
        "files_dropped": bool(data["attachments"]),
    }


def _desk_apply_macro(request, ticket, form):
    """The macro with the reply as the agent edited it (empty: the macro's own reply), all or
    nothing; held, like a reply, when someone wrote meanwhile."""
    data = form.cleaned_data
    macro = data["macro"]
    body = data["body"] or ""
    held = _held_for_new_messages(request, ticket, form, body)
    if held:
        return held
    try:
        services.macro_apply(
            ticket=ticket,
            actor=request.user,
            macro=macro,
            reply=body if body.strip() else None,
            attachments=data["attachments"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return {"reply_form": form}
    messages.success(request, _("Macro “%(title)s” applied.") % {"title": macro.title})
    return redirect(ticket.get_desk_url())


def _macro_preview(ticket, macro: Macro, agent) -> dict:
    """What applying `macro` here will change, and what stands in its way (a placeholder this
    ticket cannot fill, a status it cannot take), for the agent to see before applying."""
    problems = []
    try:
        fill_placeholders(macro.reply, ticket, agent)
    except ValidationError as error:
        problems += error.messages
    status = macro.set_status
    if status and not ticket.may_become(status):
        problems.append(
            _("This ticket is %(old)s and cannot become %(new)s: applying the macro is refused.")
            % {"old": ticket.get_status_display(), "new": Ticket.Status(status).label}
        )
    assignee = {
        Macro.Assign.ME: agent.public_name,
        Macro.Assign.NOBODY: _("nobody"),
        Macro.Assign.AGENT: macro.assign_to.public_name if macro.assign_to else "",
    }.get(macro.assign, "")
    return {
        "macro": macro,
        "problems": problems,
        "status": Ticket.Status(status).label if status else "",
        "priority": macro.get_set_priority_display() if macro.set_priority else "",
        "assignee": assignee,
        "tags": [tag.name for tag in macro.add_tags.all()],
    }


def _desk_tag(request, ticket):
    names = [name for name in request.POST.get("tags", "").split(",") if name.strip()]
    try:
        if not names:
            raise ValidationError(_("Name the tags to add, separated by commas."))
        with transaction.atomic():  # a tag made for a refused change is not kept
            added = services.ticket_tag(
                ticket=ticket, actor=request.user, tags=services.tags_named(names)
            )
    except ValidationError as error:
        _error_message(request, error)
    else:
        if added:
            messages.success(
                request,
                _("Tagged %(tags)s.") % {"tags": ", ".join(tag.name for tag in added)},
            )
    return redirect(f"{ticket.get_desk_url()}#tags")


def _desk_untag(request, ticket):
    tag_id = request.POST.get("tag", "")
    tag = Tag.objects.filter(pk=tag_id).first() if _is_id(tag_id) else None
    if tag is None or not services.ticket_untag(ticket=ticket, actor=request.user, tag=tag):
        messages.info(request, _("The ticket no longer has this tag."))
    return redirect(f"{ticket.get_desk_url()}#tags")


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
        _form_error_messages(request, form)
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
    "tag": _desk_tag,
    "untag": _desk_untag,
    "link_post": post_links.handle,
    "feedback_post": post_links.handle,
}


@agent_required
@require_POST
def desk_presence(request, number):
    """htmx, every few seconds from the ticket page: record that the agent is viewing it or
    typing a reply, and show who else is."""
    ticket = selectors.ticket_for(request.user, number)
    others = presence.presence_beat(
        ticket=ticket, agent=request.user, state=request.POST.get("state", "")
    )
    return render(request, "service_desk/_presence.html", {"others": others})


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
        canned_text = fill_placeholders(canned.body, ticket, request.user, strict=False)
        body = f"{body.rstrip()}\n\n{canned_text}".strip()
    form = AgentReplyForm(initial={"body": body})
    return render(request, "service_desk/_reply_body.html", {"field": form["body"]})


@agent_required
@require_GET
def desk_macro(request, number):
    """htmx: the reply box filled with the chosen macro's reply for this ticket (what cannot be
    filled is left as written, and named), and what the macro will change."""
    ticket = selectors.ticket_for(request.user, number)
    macro_id = request.GET.get("macro", "")
    macro = selectors.desk_macros().filter(pk=macro_id).first() if _is_id(macro_id) else None
    body = request.GET.get("body", "")
    if macro is not None and macro.reply.strip():
        body = fill_placeholders(macro.reply, ticket, request.user, strict=False)
    return render(
        request,
        "service_desk/_macro_preview.html",
        {
            "ticket": ticket,
            "macro_preview": _macro_preview(ticket, macro, request.user) if macro else None,
            "gone": bool(macro_id) and macro is None,
            "field": AgentReplyForm(initial={"body": body})["body"],
        },
    )


@agent_required
@require_GET
def desk_macros(request):
    """Every macro agents may apply, with its reply and what it changes."""
    macros = selectors.desk_macros().prefetch_related("add_tags")
    placeholders = [(name, label) for name, (label, _read) in PLACEHOLDERS.items()]
    return render(
        request, "service_desk/desk_macros.html", {"macros": macros, "placeholders": placeholders}
    )


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
        "by_channel": bar_chart(metrics.by_channel, title=_("Tickets by channel")),
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


@login_required
@require_GET
def inbound_mail_eml(request, pk):
    """A received e-mail as it arrived, to open in a mail program (agents; staff for failed)."""
    mail = selectors.inbound_mail_for(request.user, pk)
    response = HttpResponse(bytes(mail.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="mail-{mail.pk}.eml"'
    response["Cache-Control"] = "private, no-store"
    return response
