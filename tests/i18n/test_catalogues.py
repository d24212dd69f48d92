"""Every app's Simplified Chinese catalogue exists, is fully translated and matches its source.

These fail for an app until its translator has refreshed and translated its catalogue; the
failure names the app and lists the msgids to translate.
"""

import shutil

import pytest
from django.core.management import call_command

from .support import CATALOGUE, ROOT, locale_apps, parse_po

APPS = locale_apps()


def describe(keys):
    lines = (f"  {msgid!r}" + (f" (context {ctxt!r})" if ctxt else "") for ctxt, msgid in keys)
    return "\n".join(sorted(lines))


def extracted_msgids(source, workdir, monkeypatch):
    """Run makemessages on a copy of an app (never on its real catalogue) and read what it extracted."""
    copy = workdir / "app"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.mo"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    return {entry.key for entry in parse_po(copy / CATALOGUE) if entry.msgid}


@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_fully_translated(app):
    path = ROOT / app / CATALOGUE
    assert path.is_file(), f"{app} has no catalogue at {path.relative_to(ROOT)}"
    entries = parse_po(path)
    header = next((entry for entry in entries if entry.msgid == ""), None)
    assert header and "nplurals=1;" in header.msgstr.get(0, ""), (
        f"{app}: the header must declare nplurals=1"
    )

    messages = [entry for entry in entries if entry.msgid]
    untranslated = [e.key for e in messages if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.key for e in messages if "fuzzy" in e.flags]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated:\n{describe(untranslated)}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy:\n{describe(fuzzy)}")
    if problems:
        pytest.fail(f"{app} zh_Hans catalogue, " + "\n".join(problems), pytrace=False)


@pytest.mark.parametrize("app", APPS)
def test_catalogue_matches_source(app, tmp_path, monkeypatch):
    path = ROOT / app / CATALOGUE
    assert path.is_file(), f"{app} has no catalogue at {path.relative_to(ROOT)}"
    committed = {entry.key for entry in parse_po(path) if entry.msgid}
    source = extracted_msgids(ROOT / app, tmp_path, monkeypatch)
    missing, stale = source - committed, committed - source
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} strings of the source missing from the catalogue:\n{describe(missing)}"
        )
    if stale:
        problems.append(
            f"{len(stale)} catalogue entries no longer in the source:\n{describe(stale)}"
        )
    if problems:
        pytest.fail(
            f"{app} zh_Hans catalogue is out of date (refresh this app's catalogue only, as in "
            "`make makemessages`), " + "\n".join(problems),
            pytrace=False,
        )


def test_extraction_sees_templates_and_python(tmp_path, monkeypatch):
    app = tmp_path / "source"
    (app / "templates" / "demo").mkdir(parents=True)
    (app / "templates" / "demo" / "page.html").write_text(
        '{% load i18n %}<p>{% translate "Hello" %}</p><p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>'
    )
    (app / "views.py").write_text(
        'from django.utils.translation import gettext, pgettext\nA = gettext("World")\nB = pgettext("verb", "Order")\n'
    )

    assert extracted_msgids(app, tmp_path, monkeypatch) == {
        (None, "Hello"),
        (None, "Hi %(name)s"),
        (None, "World"),
        ("verb", "Order"),
    }


def test_parse_po_reads_plurals_contexts_flags_and_continuations(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#: views.py\n#, fuzzy, python-format\nmsgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] ""\n\n'
        'msgctxt "verb"\nmsgid ""\n"Order "\n"now"\nmsgstr "立即\\"下单\\""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "已删除"\n',
        encoding="utf-8",
    )

    header, plural, context = parse_po(po)

    assert header.msgid == "" and "nplurals=1" in header.msgstr[0]
    assert (plural.msgid, plural.msgid_plural, plural.msgstr) == (
        "%(n)s item",
        "%(n)s items",
        {0: ""},
    )
    assert "fuzzy" in plural.flags
    assert context.key == ("verb", "Order now") and context.msgstr == {0: '立即"下单"'}


def test_each_message_has_one_translation_across_apps():
    """Django merges every app's catalogue into one per language, and for a msgid found in two of
    them the app listed first in INSTALLED_APPS wins on every page. Where the meaning differs, give
    the message a context (pgettext, {% translate … context … %}); otherwise agree on one wording."""
    translations = {}
    for app in APPS:
        path = ROOT / app / CATALOGUE
        for entry in parse_po(path) if path.is_file() else []:
            if entry.msgid and entry.msgstr.get(0):
                translations.setdefault(entry.key, {})[app] = entry.msgstr[0]
    conflicts = [
        f"  {msgid!r}"
        + (f" (context {ctxt!r})" if ctxt else "")
        + ": "
        + ", ".join(f"{app} {text!r}" for app, text in by_app.items())
        for (ctxt, msgid), by_app in sorted(translations.items(), key=str)
        if len(set(by_app.values())) > 1
    ]
    if conflicts:
        pytest.fail(
            f"{len(conflicts)} messages translated differently in two apps:\n"
            + "\n".join(conflicts),
            pytrace=False,
        )


def test_translations_address_the_reader_formally():
    """docs/glossary.md: the interface says 您, never the familiar 你, as Chinese products do."""
    familiar = [
        f"  {app}: {entry.msgid!r} → {text!r}"
        for app in APPS
        if (ROOT / app / CATALOGUE).is_file()
        for entry in parse_po(ROOT / app / CATALOGUE)
        if entry.msgid
        for text in entry.msgstr.values()
        if "你" in text
    ]
    if familiar:
        pytest.fail("Use 您, not 你:\n" + "\n".join(familiar), pytrace=False)
