from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event
from .targets import validate_target


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Payload URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https address of yours; we POST signed JSON to it."),
        validators=[validate_target],
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
