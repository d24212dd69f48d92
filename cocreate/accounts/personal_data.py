"""What each app keeps about a person, for "Download my data" and "Delete my account".

This floor names no app above it: each app registers its part from its AppConfig.ready().

- `register_personal_data(name, *, export, erase, files=None)`: `export(user)` returns what the
  app keeps about `user` as JSON-ready data (written to `<name>.json` in the ZIP); `files(user)`
  yields `(file name, FieldFile)` pairs copied under `files/<name>/`; `erase(user)` removes what
  must go when the account is deleted, inside the deletion's transaction (None: the app keeps its
  rows, which then point at the anonymised account).
- `register_erasure_check(check)`: `check(user)` returns why the account cannot be deleted yet
  (a message for the person), or None. Deletion asks every check first (the partners: the last
  owner of a partner must hand it over).

`docs/accounts.md` ("Your data: export and deletion") lists what each app registers.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalData:
    name: str
    export: Callable
    erase: Callable | None
    files: Callable[..., Iterable] | None


_sections: dict[str, PersonalData] = {}
_checks: list[Callable] = []


def register_personal_data(
    name: str, *, export: Callable, erase: Callable | None, files: Callable | None = None
) -> None:
    """Make a part of a person's data known; registering a name again replaces it."""
    _sections[name] = PersonalData(name, export, erase, files)


def register_erasure_check(check: Callable) -> None:
    """Add a check that may refuse an account's deletion (returns a message, or None)."""
    if check not in _checks:
        _checks.append(check)


def personal_data_sections() -> list[PersonalData]:
    """The registered parts, in the order the apps registered them (the floors' order)."""
    return list(_sections.values())


def erasure_refusals(user) -> list[str]:
    """Why `user`'s account cannot be deleted now: the registered checks' messages."""
    return [message for check in _checks if (message := check(user))]
