from django import forms
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocreate.core.forms import PresentChoiceField
from cocreate.core.text import SingleLineField, validate_single_line
from community.models import Post
from products.models import Product

from .models import PollChoice, ReviewItem
from .selectors import QueueSort, queue_products
from .services import DECISIONS, MESSAGE_MAX_LENGTH, POLL_MAX_CHOICES, next_statuses


class QueueFilterForm(forms.Form):
    """The queue's filters: products with items in the queue, the states items are in
    (`offer(selectors.queue_counts())`)."""

    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=queue_products().order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All products"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("Suggestions and modifications")),
            (Post.Kind.SUGGESTION, Post.Kind.SUGGESTION.label),
            (Post.Kind.MODIFICATION, Post.Kind.MODIFICATION.label),
        ],
    )
    state = PresentChoiceField(
        label=_("State"),
        required=False,
        choices=ReviewItem.State.choices,
        empty_label=_("Any state"),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=QueueSort.choices, initial=QueueSort.SUPPORT
    )

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or QueueSort.SUPPORT

    def offer(self, state_counts: dict[str, int]) -> None:
        self.fields["state"].offer(state_counts, chosen=self.data.get("state", ""))


class GenerationField(forms.ModelChoiceField):
    """A product generation (newest first), labelled with its lifecycle status."""

    def label_from_instance(self, product):
        return gettext("%(name)s · %(status)s") % {
            "name": product.name,
            "status": product.get_status_display(),
        }


class StatusChangeForm(forms.Form):
    """A designer's decision. The status and generation lists offer what the decision service
    allows now (the next statuses, the generations not discontinued); anything else posted still
    reaches the service, which says why it refuses it, as the API does."""

    status = forms.ChoiceField(
        label=_("New status"), choices=[(s.value, s.label) for s in DECISIONS]
    )
    adopted_in = GenerationField(
        label=_("Product generation"),
        queryset=Product.objects.all(),
        required=False,
        empty_label=_("None"),
        help_text=_(
            "Adopted: the generation that takes the idea. Planned or in progress: the one it is "
            "planned for, if known. Discontinued generations are not offered."
        ),
        error_messages={"invalid_choice": _("No such product.")},
    )
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of post #"),
        required=False,
        min_value=1,
        help_text=_("For a duplicate: the number of the original post."),
    )
    message = forms.CharField(
        label=_("Public message"),
        widget=forms.Textarea(
            attrs={"rows": 10, "data-count-format": _("%(count)s of %(max)s characters")}
        ),
        max_length=MESSAGE_MAX_LENGTH,
    )

    def __init__(self, *args, post=None, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = gettext(
            "Public: on the post's timeline as the team's answer, and sent to its followers. "
            "Markdown allowed, up to %(max)s characters."
        ) % {"max": number_format(MESSAGE_MAX_LENGTH, force_grouping=True)}
        if post is not None:
            self.fields["status"].widget.choices = [
                ("", gettext("Choose a status")),
                *((status, _status_label(status, post)) for status in next_statuses(post)),
            ]
        if targets is not None:
            field = self.fields["adopted_in"]
            offered = list(targets)
            field.widget.choices = [
                ("", field.empty_label),
                *((product.pk, field.label_from_instance(product)) for product in offered),
            ]
            if post is not None and post.adopted_in_id in {product.pk for product in offered}:
                self.initial.setdefault("adopted_in", post.adopted_in_id)

    def clean_duplicate_of(self):
        pk = self.cleaned_data.get("duplicate_of")
        if pk is None:
            return None
        post = Post.objects.listed().filter(pk=pk).first()
        if post is None:
            raise forms.ValidationError(_("No visible post has this number."))
        return post


def _status_label(status: str, post: Post) -> str:
    label = Post.Status(status).label
    if status == post.status:
        # Planned or in progress again: the decision moves the idea to another generation.
        return gettext("%(status)s, for another generation") % {"status": label}
    return str(label)


def _choices_help() -> str:
    return gettext("One per line, 2 to %(max)d.") % {"max": POLL_MAX_CHOICES}


class EvaluationForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("— choose a product —"),
    )
    title = SingleLineField(label=_("Title"), max_length=160)
    body = forms.CharField(label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 8}))
    question = SingleLineField(label=_("Poll question"), max_length=200, required=False)
    choices = forms.CharField(
        label=_("Poll choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=lazy(_choices_help, str)(),
    )

    def clean_choices(self) -> str:
        text = self.cleaned_data.get("choices", "")
        for line in text.splitlines():
            validate_single_line(line.strip())  # each line is a choice
        return text

    def choice_list(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("choices", "").splitlines()
            if line.strip()
        ]


class PollAnswerForm(forms.Form):
    choice = forms.ModelChoiceField(
        label=_("Your answer"),
        queryset=PollChoice.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose one of the answers."),
            "invalid_choice": _("Choose one of the answers."),
        },
    )

    def __init__(self, *args, poll, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].queryset = poll.choices.all()
