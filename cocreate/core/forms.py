"""What the forms of every app share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: each field's errors on that field when the form has
    it, the others (and errors of no field) above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PresentChoiceField(forms.ChoiceField):
    """A filter's select offering only the values the data has, each with its count
    ("Question (3)"): the view calls `offer(counts)` with one grouped query's counts before the
    page renders (`counts` of {value: rows}). It still accepts every value of its full list, so
    an old link to a value without rows shows an empty result, never an error; the chosen value
    stays offered (with 0) so the form says what the empty result is about.

    Values read from rows (products by slug) have no fixed list: give `offer` their `labels`
    ({value: label}) and set `accept_any=True`; the view then looks the value up."""

    def __init__(self, *, choices=(), empty_label, accept_any: bool = False, **kwargs):
        self.all_choices = list(choices)
        self.empty_label = empty_label
        self.accept_any = accept_any
        super().__init__(choices=[("", empty_label), *self.all_choices], **kwargs)

    def offer(self, counts: dict, chosen: str = "", labels: dict | None = None) -> None:
        self.choices = self.offered(counts, chosen, labels)

    def offered(self, counts: dict, chosen: str = "", labels: dict | None = None) -> list:
        """The choices `offer` sets; a form computing its counts only when the select renders
        sets `field.choices` to a callable returning this."""
        every = list(labels.items()) if labels is not None else self.all_choices
        return [
            ("", self.empty_label),
            *(
                (value, f"{label} ({counts.get(value, 0)})")
                for value, label in every
                if counts.get(value) or (chosen and str(value) == chosen)
            ),
        ]

    def valid_value(self, value) -> bool:
        if value in ("", None) or self.accept_any:
            return True
        return str(value) in {str(v) for v, _label in self.all_choices}


class NamedEmptyChoices:
    """A form mixin: no select shows Django's "---------"; the empty choice of each select says
    what choosing nothing means, from `empty_choice_labels` ({field name: label}), else
    "— choose —". Mixed in before forms.Form / forms.ModelForm."""

    empty_choice_labels: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = self.empty_choice_labels.get(name) or _("— choose —")
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label is not None:
                    field.empty_label = label
            elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
                field.choices = [
                    ("", label) if value == "" and str(text) == "---------" else (value, text)
                    for value, text in field.choices
                ]
