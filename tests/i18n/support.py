"""Shared helpers for the translation checks: which apps own a catalogue, where their templates
are, and reading a .po file."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")


def locale_apps():
    """The apps listed in the Makefile's LOCALE_APPS (the single list `make makemessages` uses)."""
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    match = re.search(r"^LOCALE_APPS\s*:?=\s*(.+)$", makefile, re.MULTILINE)
    assert match, "the Makefile has no LOCALE_APPS list"
    return match.group(1).split()


def template_folder(app):
    """Where a LOCALE_APPS entry keeps its templates: an app's templates/, or the top-level
    templates/ (the site shell) itself."""
    folder = ROOT / app
    return folder if folder == ROOT / "templates" else folder / "templates"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)


def parse_po(path):
    """The entries of a .po file (obsolete `#~` entries left out), the header included as msgid ""."""
    entries = []
    entry, target, started = Entry(), None, False

    for raw in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if started and (not line or line.startswith("#")):
            entries.append(entry)
            entry, target, started = Entry(), None, False
        if not line:
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if not line.startswith('"'):
            target, _, line = line.partition(" ")
            started = True
            if target.startswith("msgstr["):
                entry.msgstr[int(target[7:-1])] = ""
        value = ast.literal_eval(line.strip())
        if target == "msgid":
            entry.msgid += value
        elif target == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif target == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif target == "msgstr":
            entry.msgstr[0] = entry.msgstr.get(0, "") + value
        elif target.startswith("msgstr["):
            entry.msgstr[int(target[7:-1])] += value
    return entries
