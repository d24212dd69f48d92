"""No template of our apps shows text that bypasses {% translate %} / {% blocktranslate %}."""

import pytest

from .support import ROOT, locale_apps
from .template_lint import lint_template

APPS = locale_apps()


@pytest.mark.parametrize("app", APPS)
def test_templates_have_no_untranslated_text(app):
    # .html pages and .txt e-mail parts (subjects, plain-text bodies).
    folder = ROOT / app / "templates"
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
