from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocreate.core.text import SingleLineField, validate_single_line
from community.models import Post
from products.models import Product

from .models import PollChoice, ReviewItem
from .selectors import QueueSort
from .services import DECISIONS, POLL_MAX_CHOICES


class QueueFilterForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name"),
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
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *ReviewItem.State.choices]
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=QueueSort.choices, initial=QueueSort.SUPPORT
    )

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or QueueSort.SUPPORT


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), choices=[(s.value, s.label) for s in DECISIONS]
    )
    message = forms.CharField(
        label=_("Public message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the post's timeline as the team's response; Markdown allowed."),
        max_length=10000,
    )
    adopted_in = forms.ModelChoiceField(
        label=_("Adopted in"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_("For an adoption: the product generation that takes the idea."),
    )
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of post #"),
        required=False,
        min_value=1,
        help_text=_("For a duplicate: the number of the original post."),
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["adopted_in"].queryset = targets

    def clean_duplicate_of(self):
        pk = self.cleaned_data.get("duplicate_of")
        if pk is None:
            return None
        post = Post.objects.listed().filter(pk=pk).first()
        if post is None:
            raise forms.ValidationError(_("No visible post has this number."))
        return post


def _choices_help() -> str:
    return gettext("One per line, 2 to %(max)d.") % {"max": POLL_MAX_CHOICES}


class EvaluationForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("name"), to_field_name="slug"
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
