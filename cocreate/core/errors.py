"""How a service says no.

A service refuses by raising Django's `ValidationError`: per field (`{"title": [...]}`), or of no
field. When what stands in the way is the current state rather than the input (rating a ticket
twice, voting on a locked post), it raises a `StateConflict`, still a `ValidationError`.

Pages put either on their form with `cocreate.core.forms.add_service_errors`; the API does not
catch them: its exception handler (`cocreate.core.api.exception_handler`) answers 400 with the
errors per field, or 409 for a `StateConflict`.
"""

from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The current state forbids the action, whatever the input: the API answers 409 with the
    message, a page shows it like any other refusal."""
