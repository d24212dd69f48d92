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
