"""No template of our apps shows text that bypasses {% translate %} / {% blocktranslate %}."""

import pytest

from .support import ROOT, locale_apps, template_folder
from .template_lint import lint_template

APPS = locale_apps()


@pytest.mark.parametrize("app", APPS)
def test_templates_have_no_untranslated_text(app):
    # .html pages and .txt e-mail parts (subjects, plain-text bodies).
    folder = template_folder(app)
    templates = sorted([*folder.rglob("*.html"), *folder.rglob("*.txt")])
    findings = [
        finding.format(path.relative_to(ROOT))
        for path in templates
        for finding in lint_template(path.read_text(encoding="utf-8"))
    ]
    if findings:
        pytest.fail(
            f"{app}: {len(findings)} pieces of text outside the translation machinery:\n"
            + "\n".join(findings),
            pytrace=False,
        )


def findings(source):
    return [(finding.line, finding.text) for finding in lint_template(source)]


def test_a_bare_word_is_found_with_its_line():
    assert findings("{% load i18n %}\n<p>\n  Hello there</p>") == [(3, "Hello there")]


def test_text_next_to_template_syntax_is_found():
    assert findings("<p>{{ count }} items, {% translate 'sorted' %}</p>") == [(1, "items,")]


def test_translated_text_is_not_found():
    source = (
        "{% load i18n %}<h1>{% translate 'Hello' %}</h1>\n"
        "<p>{% blocktranslate trimmed with name=user.name %}\n  Hi {{ name }}, welcome\n{% endblocktranslate %}</p>\n"
        "<p>{% blocktranslate count counter=n %}One item{% plural %}{{ counter }} items{% endblocktranslate %}</p>"
    )
    assert findings(source) == []


def test_comments_scripts_styles_entities_and_symbols_are_ignored():
    source = (
        "{# a note #}{% comment %}Longer note{% endcomment %}<!-- hidden text -->\n"
        "<script>var label = 'Hello';</script><style>p::after { content: 'Hi'; }</style>\n"
        "<p>&nbsp;&mdash; → · 42 % {{ value }}</p>"
    )
    assert findings(source) == []


def test_allowed_words_need_no_translation():
    assert findings("<span>CoCreate</span> <abbr>API</abbr> <a>OpenAPI.</a>") == []


def test_read_out_attributes_are_checked():
    source = (
        '<input name="q" placeholder="Search posts">\n'
        '<img src="x.png" alt="{% translate \'Logo\' %}"><a title="Open it" href="/x">{% translate "x" %}</a>\n'
        '<nav aria-label="Main"></nav><button data-confirm="{% translate \'Sure?\' %}">{% translate "Go" %}</button>\n'
        '<input type="submit" value="Save"><input type="hidden" name="next" value="home">'
    )
    assert findings(source) == [
        (1, 'placeholder="Search posts"'),
        (2, 'title="Open it"'),
        (3, 'aria-label="Main"'),
        (4, 'value="Save"'),
    ]


def test_an_attribute_on_a_later_line_of_its_tag_gets_that_line():
    assert findings('<input name="q"\n       placeholder="Search">') == [
        (2, 'placeholder="Search"')
    ]


def test_prose_in_string_literals_of_tags_and_variables_is_found():
    source = (
        '{{ value|default:"Nothing yet" }} {{ flag|yesno:"Yes,No" }}\n'
        '{% include "partials/box.html" with title="Parts" size="small" %}\n'
        '{% firstof a "no value here" %}'
    )
    assert findings(source) == [
        (1, '"Nothing yet"'),
        (1, '"Yes,No"'),
        (2, '"Parts"'),
        (3, '"no value here"'),
    ]


def test_codes_formats_paths_and_translated_literals_are_not_found():
    source = (
        '{% load i18n static %}{% url "core:home" %}{% static "css/app.css" %}\n'
        '{{ d|date:"j M Y" }} {{ n|stringformat:"+d" }} {{ size|default:"small" }}\n'
        '{% if status == "pending" %}{% include "partials/x.html" with title=_("Parts") %}{% endif %}\n'
        "{% translate 'Hello there' %}{{ value|default:'—' }}"
    )
    assert findings(source) == []


def test_htmx_prompts_option_labels_and_meta_descriptions_are_checked():
    source = (
        '<button hx-confirm="Delete it?">{% translate "Go" %}</button>\n'
        '<option label="First choice" value="1"></option>\n'
        '<meta name="description" content="A co-creation platform"><meta charset="utf-8">'
    )
    assert findings(source) == [
        (1, 'hx-confirm="Delete it?"'),
        (2, 'label="First choice"'),
        (3, 'content="A co-creation platform"'),
    ]
