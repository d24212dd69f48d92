"""The page components (templates/partials, core_tags, app.css): each renders with accessible
names, and the apps use them instead of their own variants."""

import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from cocreate.core.forms import PresentChoiceField

ROOT = Path(__file__).resolve().parents[2]


def render(template: str, **context) -> str:
    request = RequestFactory().get("/list/", context.pop("query", {}))
    return Template("{% load i18n core_tags %}" + template).render(
        Context({"request": request, **context})
    )


def test_the_page_header_has_one_h1_its_eyebrow_lead_and_actions():
    html = render(
        '{% page_header title=_("Ticket queue") eyebrow="Desk" lead="All that needs work" %}'
        '<a class="button" href="/next/">Take next</a>{% endpage_header %}'
    )

    assert html.count("<h1>") == 1 and "<h1>Ticket queue</h1>" in html
    assert '<p class="eyebrow">Desk</p>' in html
    assert '<p class="lead">All that needs work</p>' in html
    assert '<div class="page-header-actions"><a class="button" href="/next/">' in html


def test_a_page_header_without_actions_or_lead_leaves_them_out():
    html = render("{% page_header title=name %}{% endpage_header %}", name="<b>Aurora</b>")

    assert "<h1>&lt;b&gt;Aurora&lt;/b&gt;</h1>" in html  # escaped like any variable
    assert "page-header-actions" not in html and "lead" not in html and "eyebrow" not in html


def test_a_card_with_a_link_is_named_by_its_title_and_opens_as_a_whole():
    html = render(
        '{% card title="Aurora 3" url="/community/aurora-3/" heading="h3" %}<p>12 posts</p>{% endcard %}'
    )

    assert '<article class="card card-link">' in html
    assert '<h3 class="card-title"><a href="/community/aurora-3/">Aurora 3</a></h3>' in html
    assert "<p>12 posts</p>" in html


def test_a_badge_escapes_its_label_and_takes_a_tone():
    html = render('{% badge label "badge-ok" testid="state" %}', label="<On sale>")

    assert html == '<span class="badge badge-ok" data-testid="state">&lt;On sale&gt;</span>'
    assert render("{% badge 'Draft' %}") == '<span class="badge">Draft</span>'


def test_the_empty_state_says_what_is_missing_and_offers_the_next_step():
    html = render(
        '{% include "partials/empty_state.html" with message="No tickets here." '
        'hint="Ask us anything." action_url="/support/new/" action_label="New ticket" %}'
    )

    assert '<p class="empty-state-message">No tickets here.</p>' in html
    assert '<p class="empty-state-hint">Ask us anything.</p>' in html
    assert '<a class="button button-secondary" href="/support/new/">New ticket</a>' in html


class ListFilters(forms.Form):
    q = forms.CharField(label="Search", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), ("idea", "Idea")]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), ("open", "Open")]
    )
    sort = forms.ChoiceField(
        label="Sort", required=False, choices=[("", "Default"), ("top", "Top")]
    )
    tag = forms.CharField(required=False, widget=forms.HiddenInput)


def _filter_bar(query: dict) -> str:
    return render(
        '{% include "partials/filter_bar.html" with label="Filter posts" clear_url="/list/" %}',
        form=ListFilters(query or None),
        query=query,
    )


def test_the_filter_bar_labels_every_field_and_folds_the_choices_behind_a_summary():
    html = _filter_bar({})

    assert '<form class="filter-bar" method="get" role="search" aria-label="Filter posts"' in html
    for name in ("q", "kind", "status", "sort"):
        assert f'<label for="id_{name}">' in html
    # The search box stays outside the disclosure; the other fields are inside it.
    disclosure = html[html.index("<details") : html.index("</details>")]
    assert 'id="id_q"' not in disclosure and 'id="id_kind"' in disclosure
    assert re.search(r"<summary[^>]*>Filters</summary>", disclosure)
    assert 'name="tag"' not in html  # a hidden field rides along only when set
    assert "Clear" not in html


def test_the_summary_counts_the_active_filters_but_not_the_search_or_the_sort():
    html = _filter_bar(
        {"q": "battery", "kind": "idea", "status": "open", "sort": "top", "tag": "x"}
    )

    assert re.search(r"<summary[^>]*>Filters \(2 active\)</summary>", html)
    assert '<input type="hidden" name="tag" value="x"' in html
    assert '<a class="button button-ghost" href="/list/">Clear</a>' in html


def test_the_filter_bar_opens_on_an_error_so_it_is_seen():
    html = _filter_bar({"kind": "nonsense"})

    assert '<details class="filter-bar-more" open>' in html
    assert '<p class="error">' in html


def test_a_filter_bar_with_only_a_search_box_has_no_disclosure():
    class Search(forms.Form):
        q = forms.CharField(label="Search", required=False)

    html = render('{% include "partials/filter_bar.html" %}', form=Search())

    assert "<details" not in html and 'id="id_q"' in html


def test_the_filter_bar_refreshes_its_results_with_htmx_when_told_where_they_are():
    html = render(
        '{% include "partials/filter_bar.html" with results="#feed-results" live=True %}',
        form=ListFilters(),
    )

    assert 'hx-target="#feed-results"' in html and 'hx-select="#feed-results"' in html
    # Any select's change refreshes them (a change bubbles to the form), not only the first's.
    assert 'hx-trigger="submit, change,' in html
    assert "input changed delay:400ms" in html


class Present(forms.Form):
    kind = PresentChoiceField(
        label="Kind",
        required=False,
        empty_label="All kinds",
        choices=[("idea", "Idea"), ("question", "Question"), ("bug", "Bug")],
    )


def test_a_present_choice_field_offers_only_values_with_rows_and_counts_them():
    form = Present()
    form.fields["kind"].offer({"idea": 3, "bug": 0})

    assert list(form.fields["kind"].choices) == [("", "All kinds"), ("idea", "Idea (3)")]


def test_a_present_choice_field_keeps_the_chosen_value_and_accepts_any_listed_one():
    form = Present({"kind": "question"})
    form.fields["kind"].offer({"idea": 3}, chosen="question")

    assert ("question", "Question (0)") in form.fields["kind"].choices
    assert form.is_valid() and form.cleaned_data["kind"] == "question"
    assert not Present({"kind": "nonsense"}).is_valid()


# --- The apps use the components -----------------------------------------------------------

APP_CSS = ["community", "products", "service_desk", "designers", "partners"]
# What each app once styled its own way, now one component in app.css.
REMOVED_VARIANTS = [
    r"\.page-head\b",
    r"\.page-actions\b",
    r"\.partner-head-actions\b",
    r"\.filters\b",
    r"\.partner-filters\b",
    r"\.roadmap-filters\b",
    r"\.empty\b",
    r"\.owned-empty\b",
    r"\.kind-(feedback|suggestion|modification|question|evaluation|accessory|component|spare_part)\b",
    r"\.status-(open|planned|adopted|declined|duplicate|under_review|in_progress)\b",
    r"\.team-badge\b",
    r"\.parts-table thead\b",
    r"\.sd-queue thead\b",
]


@pytest.mark.parametrize("app", APP_CSS)
def test_the_app_stylesheets_define_none_of_the_removed_variants(app):
    css = (ROOT / "static" / "css" / f"{app}.css").read_text()

    for pattern in REMOVED_VARIANTS:
        assert not re.search(pattern, css), (app, pattern)


def _templates():
    for path in ROOT.glob("**/templates/**/*.html"):
        if not {".venv", "node_modules"} & set(path.parts):
            yield path


def test_no_template_writes_its_own_page_head_filter_form_or_empty_state():
    old = re.compile(r'class="(page-head|filters|panel empty|empty)[ "]|class="[^"]* empty"')
    templates = list(_templates())
    offenders = [str(path.relative_to(ROOT)) for path in templates if old.search(path.read_text())]

    assert len(templates) > 100  # the scan reads the project's templates, not an empty folder
    assert offenders == []


@pytest.mark.parametrize(
    ("template", "rows"),
    [
        # The desk queue's rows are a template of their own (service_desk/queue_parts.py).
        (
            "service_desk/templates/service_desk/desk_queue.html",
            "service_desk/templates/service_desk/_queue_row.html",
        ),
        ("service_desk/templates/service_desk/ticket_list.html", None),
        ("designers/templates/designers/queue.html", None),
        ("products/templates/products/part_list.html", None),
    ],
)
def test_list_tables_read_as_cards_with_a_label_on_every_value(template, rows):
    html = (ROOT / template).read_text()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    if rows:
        body = (ROOT / rows).read_text()

    assert re.search(r'<table class="[^"]*\btable-cards\b', html)
    cells = re.findall(r"<td([^>]*)>", body)
    # The row's title (and the desk's selection box) need no label; every value has one.
    row_head = ("sd-select", "sd-ticket")
    unlabelled = [
        cell
        for cell in cells[1:]
        if "data-label=" not in cell and not any(c in cell for c in row_head)
    ]
    assert len(cells) > 2 and unlabelled == []
