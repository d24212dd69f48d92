"""Single-line text: titles, subjects and names refuse invisible control characters.

A right-to-left override shows "invoice\u202efdp.exe" as "invoiceexe.pdf"; other bidirectional
controls, C0/C1 control characters (a terminal's escape sequences among them) and line
separators have no place in a line of text people read in lists, e-mails and logs either.
Such a value is refused with a validation error naming the character, never silently
stripped: the author sees what is wrong, and what is stored is exactly what was sent
(docs/conventions.md). Right-to-left text itself, and the invisible LRM/RLM marks it may need
(U+200E, U+200F, U+061C), are welcome.

Every form and serializer field taking a title, subject or name uses `SingleLineField` (forms;
a ModelForm through `Meta.field_classes`) or `SingleLineSerializerField` (the API), or
`validate_single_line` for values it splits itself (tags, poll choices).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# C0 controls (tab and newline included: one line), DEL and the C1 controls; the bidirectional
# embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069); line and paragraph
# separators (U+2028, U+2029).
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def validate_single_line(value: str) -> None:
    """Raise ValidationError (code "control_character") if `value` holds a forbidden character."""
    match = FORBIDDEN.search(value or "")
    if match:
        raise ValidationError(
            _(
                "Remove the invisible control character U+%(code)s: it is not allowed in a "
                "single line of text."
            ),
            code="control_character",
            params={"code": f"{ord(match.group()):04X}"},
        )


class SingleLineField(forms.CharField):
    """A form's CharField for a title, subject or name: no control characters."""

    default_validators = [validate_single_line]


class SingleLineSerializerField(serializers.CharField):
    """The API's CharField for a title, subject or name: no control characters."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_single_line)
