from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from cocreate.core.forms import PresentChoiceField
from cocreate.core.text import SingleLineField
from cocreate.core.uploads import MAX_FILES_PER_MESSAGE, accepted_types_label, validate_attachments
from products.models import Product, Registration

from .models import Category, KnowledgeArticle, Priority, Shipment, SlaState, Tag, Ticket
from .selectors import canned_responses, desk_agents, desk_macros


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _attachments_help_text() -> str:
    return _("Up to %(count)d files: %(types)s.") % {
        "count": MAX_FILES_PER_MESSAGE,
        "types": accepted_types_label(),
    }


# The field is built at import time; the help is read in each viewer's language.
_attachments_help = lazy(_attachments_help_text, str)


class AttachmentsField(forms.FileField):
    """Zero or more files, each checked for type and size before anything is saved."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", _attachments_help())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        validate_attachments(files)
        return files


def _products_for(customer):
    """Products the customer owns first, then the rest of what is on sale or was sold."""
    owned = Registration.objects.filter(customer=customer, product=OuterRef("pk"))
    return (
        Product.objects.filter(status__in=[Product.Status.ON_SALE, Product.Status.DISCONTINUED])
        .annotate(owned=Exists(owned))
        .order_by("-owned", "name")
    )


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, product):
        if getattr(product, "owned", False):
            return _("%(name)s (registered)") % {"name": product.name}
        return product.name


class RegistrationSelect(forms.Select):
    """Each unit names its product (data-product), so a small script can offer only the units
    of the chosen product (static/js/ticket_new.js); the server checks the pair anyway."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and hasattr(value, "instance"):
            option["attrs"]["data-product"] = value.instance.product_id
        return option


class TicketForm(forms.Form):
    product = ProductChoiceField(
        queryset=Product.objects.none(),
        label=_("Product"),
        empty_label=_("— choose a product —"),
        widget=forms.Select(attrs={"data-units-of": "id_registration"}),
    )
    registration = forms.ModelChoiceField(
        queryset=Registration.objects.none(),
        required=False,
        label=_("Which unit?"),
        help_text=_("Optional: pick the registered unit this is about."),
        empty_label=_("— none —"),
        widget=RegistrationSelect,
    )
    category = forms.ChoiceField(choices=Category.choices, label=_("What do you need?"))
    subject = SingleLineField(max_length=200, label=_("Subject"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        label=_("Description"),
        help_text=_("What happened, what you expected, and what you already tried. Markdown."),
    )
    attachments = AttachmentsField()

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _products_for(customer)
        units = Registration.objects.filter(customer=customer).select_related("product")
        self.fields["registration"].queryset = units
        if not self.is_bound:
            self._preselect_only_unit(units)

    def _preselect_only_unit(self, units):
        """A customer with one registered unit most likely writes about it: it and its product
        are chosen already (unless the link named another product)."""
        only = list(units[:2])
        if len(only) != 1:
            return
        unit = only[0]
        product = self.initial.get("product")
        if product is None or product.pk == unit.product_id:
            self.initial["product"] = unit.product
            self.initial["registration"] = unit

    def clean(self):
        cleaned = super().clean()
        registration, product = cleaned.get("registration"), cleaned.get("product")
        if registration and product and registration.product_id != product.pk:
            self.add_error(
                "registration", _("This unit is not a %(product)s.") % {"product": product}
            )
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        label=_("Your message"),
        help_text=_("Markdown."),
    )
    attachments = AttachmentsField()


class AgentReplyForm(ReplyForm):
    internal = forms.BooleanField(
        required=False,
        label=_("Internal note (only agents see it)"),
    )
    then_status = forms.ChoiceField(
        required=False,
        label=_("Then set the status to"),
        choices=[
            ("", _("— keep —")),
            (Ticket.Status.PENDING_CUSTOMER, Ticket.Status.PENDING_CUSTOMER.label),
            (Ticket.Status.RESOLVED, Ticket.Status.RESOLVED.label),
        ],
    )
    # The newest message the agent had on screen: a message by someone else after it means
    # they answered meanwhile, and the reply waits for the agent to read it (desk._desk_reply).
    seen_message = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    field_order = ["macro", "canned", "body", "internal", "then_status", "attachments"]

    def __init__(self, *args, apply_macro: bool = False, **kwargs):
        """`apply_macro`: the agent pressed "Apply macro"; otherwise the macro chosen (perhaps
        deleted meanwhile) plays no part in sending."""
        super().__init__(*args, **kwargs)
        self.apply_macro = apply_macro
        self.fields["body"].label = _("Message")
        self.fields["canned"] = forms.ModelChoiceField(
            queryset=canned_responses(),
            required=False,
            label=_("Canned response"),
            empty_label=_("— none —"),
            help_text=_("Inserted into the message; with an empty message it is sent as is."),
        )
        self.fields["macro"] = forms.ModelChoiceField(
            queryset=desk_macros(),
            label=_("Macro"),
            empty_label=_("— none —"),
            help_text=_(
                "Fills the message with the macro's reply; “Apply macro” sends it as edited and "
                "makes the macro's changes."
            ),
            error_messages={
                "invalid_choice": _(
                    "This macro was deleted or switched off meanwhile: nothing was applied. "
                    "Pick another one."
                ),
                "required": _("Pick the macro to apply."),
            },
            required=apply_macro,
            disabled=not apply_macro,
        )
        self.fields["body"].required = False
        self.order_fields(self.field_order)

    def clean(self):
        cleaned = super().clean()
        body = (cleaned.get("body") or "").strip()
        if self.apply_macro:
            if cleaned.get("internal"):
                self.add_error(
                    "internal",
                    _("A macro's reply goes to the customer: untick this to apply the macro."),
                )
            if cleaned.get("then_status"):
                self.add_error(
                    "then_status",
                    _("The macro sets what happens to the ticket: keep this to apply it."),
                )
        elif not body and not cleaned.get("canned"):
            self.add_error("body", _("Write a message or pick a canned response."))
        return cleaned


def _star_label(score: int) -> str:
    meaning = {
        1: pgettext("rating", "poor"),
        2: pgettext("rating", "fair"),
        3: pgettext("rating", "good"),
        4: pgettext("rating", "very good"),
        5: pgettext("rating", "excellent"),
    }[score]
    return ngettext("%(count)d star – %(meaning)s", "%(count)d stars – %(meaning)s", score) % {
        "count": score,
        "meaning": meaning,
    }


class RatingForm(forms.Form):
    """Five stars, 1 to 5 in order; the template draws them as a fieldset of native radios."""

    score = forms.TypedChoiceField(
        coerce=int,
        choices=[(score, str(score)) for score in range(1, 6)],
        widget=forms.RadioSelect,
        label=_("How did we do?"),
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label=_("Anything to add?"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labelled here, not at import: each reader gets the labels in their language.
        self.fields["score"].choices = [(score, _star_label(score)) for score in range(1, 6)]


class DeskTicketForm(forms.Form):
    status = forms.ChoiceField(choices=Ticket.Status.choices, label=_("Status"))
    priority = forms.TypedChoiceField(coerce=int, choices=Priority.choices, label=_("Priority"))
    category = forms.ChoiceField(choices=Category.choices, label=_("Category"))
    assignee = forms.ModelChoiceField(
        queryset=desk_agents(), required=False, label=_("Assignee"), empty_label=_("— nobody —")
    )


class ShipmentForm(forms.Form):
    direction = forms.ChoiceField(choices=Shipment.Direction.choices, label=_("Direction"))
    carrier = SingleLineField(max_length=80, label=_("Carrier"))
    tracking_number = SingleLineField(max_length=80, label=_("Tracking number"))
    note = SingleLineField(max_length=300, required=False, label=_("Note for the customer"))


class ShipmentUpdateForm(forms.Form):
    """A new status for one of the ticket's shipments (each shipment has its own little form)."""

    shipment = forms.ModelChoiceField(
        queryset=Shipment.objects.none(),
        label=_("Shipment"),
        error_messages={
            "required": _("Choose one of this ticket's shipments."),
            "invalid_choice": _("Choose one of this ticket's shipments."),
        },
    )
    status = forms.ChoiceField(
        choices=Shipment.Status.choices,
        label=_("New status"),
        error_messages={
            "required": _("Choose the shipment's new status."),
            "invalid_choice": _("Choose the shipment's new status."),
        },
    )
    note = SingleLineField(max_length=300, required=False, label=_("Note for the customer"))

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipment"].queryset = Shipment.objects.filter(ticket=ticket)


class ArticleForm(forms.Form):
    title = SingleLineField(max_length=200, label=_("Title"))
    product = forms.ModelChoiceField(
        queryset=Product.objects.order_by("name"),
        required=False,
        label=_("Product"),
        empty_label=_("— every product —"),
    )
    category = forms.ChoiceField(choices=Category.choices, label=_("Category"))
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=50000,
        label=_("Text"),
        help_text=_("Markdown. Links, lists, tables and code blocks are kept; HTML is not."),
    )
    status = forms.ChoiceField(choices=KnowledgeArticle.Status.choices, label=_("Status"))
    language = forms.ChoiceField(
        required=False,
        label=_("Language"),
        choices=[("", _("Detect from the text")), *settings.LANGUAGES],
    )
    translation_of = forms.ModelChoiceField(
        queryset=KnowledgeArticle.objects.filter(translation_of__isnull=True).order_by("title"),
        to_field_name="slug",
        required=False,
        label=_("Translation of"),
        empty_label=_("— none: this is an original —"),
        help_text=_("Readers see the version in their language first."),
    )


def _with_any(choices, label=None):
    return [("", label or _("Any")), *choices]


@dataclass(frozen=True)
class QueueChoices:
    """What the queue's filters offer, read once per page however many forms check a view."""

    products: list
    agents: list
    tags: list

    @classmethod
    def load(cls):
        return cls(
            products=list(Product.objects.order_by("name").values_list("slug", "name")),
            agents=list(desk_agents()),
            tags=list(Tag.objects.values_list("name", "name")),
        )


class QueueFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=200)
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Needs work")), ("all", _("All")), *Ticket.Status.choices],
    )
    priority = forms.TypedChoiceField(
        required=False, coerce=int, empty_value="", choices=_with_any(Priority.choices)
    )
    category = forms.ChoiceField(required=False, choices=_with_any(Category.choices))
    product = forms.ChoiceField(required=False, label=_("Product"))
    assignee = forms.ChoiceField(required=False, label=_("Assignee"))
    sla = forms.ChoiceField(required=False, label=_("SLA"), choices=_with_any(SlaState.choices))
    tag = forms.ChoiceField(required=False, label=_("Tag"))
    solved = forms.TypedChoiceField(
        required=False,
        label=_("Solved"),
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any time")),
            ("1", _("In the last day")),
            ("7", _("In the last 7 days")),
            ("30", _("In the last 30 days")),
        ],
    )

    def __init__(self, *args, choices: QueueChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or QueueChoices.load()
        self.fields["priority"].label = _("Priority")
        self.fields["category"].label = _("Category")
        self.fields["product"].choices = _with_any(choices.products)
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *((agent.username, agent.public_name) for agent in choices.agents),
        ]
        self.fields["tag"].choices = _with_any(choices.tags)


def queue_filters_of(query) -> dict:
    """The queue filters of a query (QueryDict), to save as a view: its names, non-empty values."""
    return {
        name: values
        for name in QueueFilterForm.base_fields
        if (values := [value for value in query.getlist(name) if value])
    }


class SavedViewForm(forms.Form):
    name = SingleLineField(label=_("Name of the view"), max_length=60)
    shared = forms.BooleanField(required=False, label=_("Share with the desk"))


class BulkActionForm(forms.Form):
    """What to do to the tickets ticked in the queue (or all matching its `filters`): `change`
    names the action and its value ("assign:me", "status:resolved", "macro:4", "tag" with
    `tag`); the service checks the value still exists (an agent, a macro)."""

    change = forms.CharField(
        label=_("What to do"),
        max_length=40,
        error_messages={"required": _("Choose what to do with the selected tickets.")},
    )
    tag = forms.CharField(required=False, label=_("Tag"), max_length=60)
    all_matching = forms.BooleanField(required=False)
    filters = forms.CharField(required=False, max_length=4000)


class KbSearchForm(forms.Form):
    """The knowledge base's filters; each select offers only what the articles have
    (`offer(selectors.article_facets(…))`), and accepts any product slug."""

    q = forms.CharField(required=False, label=_("Search the knowledge base"), max_length=200)
    product = PresentChoiceField(
        required=False, label=_("Product"), empty_label=_("All products"), accept_any=True
    )
    # The API's messages for the same unknown values (api.ArticleViewSet).
    category = PresentChoiceField(
        required=False,
        label=_("Category"),
        choices=Category.choices,
        empty_label=_("Any"),
        error_messages={"invalid_choice": _("Unknown category.")},
    )
    language = PresentChoiceField(
        required=False,
        label=_("Language"),
        choices=settings.LANGUAGES,
        empty_label=_("Mine first"),
        error_messages={"invalid_choice": _("Unknown language.")},
    )

    def offer(self, facets) -> None:
        chosen = self.data.get
        self.fields["product"].offer(
            facets.products, chosen=chosen("product", ""), labels=facets.product_names
        )
        self.fields["category"].offer(facets.categories, chosen=chosen("category", ""))
        self.fields["language"].offer(facets.languages, chosen=chosen("language", ""))
