"""A form's fields as partials/form_fields.html writes them (or one field's widget), an empty
form's HTML rendered once.

Rendering a form goes through a template per field and one per option of each select: with a
few forms on a page (the desk's ticket page has five) it was a good part of the page's time.
An unbound form shows its labels, help texts, widgets, initial values and choices, all of which
make its key, with the reader's language and time zone and the template's and Django's
versions: a changed choice (an agent added, a label translated) is a new key. A bound form
shows what was typed and its errors: it is rendered every time.
"""

import hashlib

import django
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .shared_html import templates_version, ttl

FORM_FIELDS_TEMPLATE = "partials/form_fields.html"


def _field_shown(field) -> tuple:
    choices = getattr(field.field, "choices", None)
    if choices is not None:  # read once (a model's rows: a query), for the key and the widget
        choices = field.field.widget.choices = list(iter(choices))  # list() alone counts first
    return (
        field.html_name,
        field.auto_id,
        str(field.label),
        str(field.help_text),
        field.field.required,
        field.field.disabled,
        type(field.field.widget).__qualname__,
        repr(field.field.widget.attrs),
        repr(field.value()),
        None if choices is None else tuple((str(value), str(label)) for value, label in choices),
    )


def _shared(form, shown: tuple, render) -> SafeString:
    """`render()`, an unbound `form`'s HTML cached under `shown` and the reader's language and
    time zone."""
    seconds = ttl()
    if form.is_bound or seconds <= 0:
        return render()
    shown = (
        django.get_version(),
        get_language(),
        timezone.get_current_timezone_name(),
        f"{type(form).__module__}.{type(form).__qualname__}",
        form.use_required_attribute,
        *shown,
    )
    key = "form-html:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return mark_safe(html)


def form_fields_html(form) -> SafeString:
    """partials/form_fields.html for `form`."""
    template = get_template(FORM_FIELDS_TEMPLATE)
    return _shared(
        form,
        (
            templates_version((FORM_FIELDS_TEMPLATE,)),
            *(_field_shown(field) for field in form),
        ),
        lambda: template.render({"form": form}),
    )


def widget_html(field) -> SafeString:
    """A field's widget, as `{{ field }}` writes it."""
    return _shared(field.form, ("widget", _field_shown(field)), lambda: str(field))
