"""The floors of docs/design.md hold: no module imports a floor above it or a sibling it may not
(the import contract in pyproject.toml), and no code reaches another app's model by its name,
which no import shows."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
# The project's code; tests/ may build any floor's rows, and migrations load their historical
# models by name, which is how Django migrations work.
SOURCE_FOLDERS = ("cocreate", "products", "community", "partners", "designers", "service_desk")


def test_the_import_contract_is_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")

    result = subprocess.run(
        [lint_imports, "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def _literal_label(call: ast.Call) -> str | None:
    """The app label a get_model / get_app_config call names, or None when not written out."""
    argument = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "app_label":
            argument = keyword.value
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value.split(".")[0]
    return None


def _called(node: ast.AST, name: str) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) == name


def other_apps_models(source: str, *, own: str | None) -> list[int]:
    """Lines of `source` that get a model by name from an app other than `own` (or from an app
    the code does not name literally)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not _called(node, "get_model"):
            continue
        target = node.func.value if isinstance(node.func, ast.Attribute) else None
        if _called(target, "get_app_config"):
            label = _literal_label(target)  # apps.get_app_config("x").get_model("Y")
        else:
            label = _literal_label(node)  # apps.get_model("x", "Y") or ("x.Y")
        if label is None or label != own:
            lines.append(node.lineno)
    return lines


def _app_label_of(path: Path) -> str | None:
    """The label of the innermost app folder holding `path`."""
    holders = [c for c in apps.get_app_configs() if path.is_relative_to(Path(c.path).resolve())]
    if not holders:
        return None
    return max(holders, key=lambda config: len(Path(config.path).parts)).label


def test_no_code_gets_another_apps_model_by_name():
    found = []
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            own = _app_label_of(path.resolve())
            for line in other_apps_models(path.read_text(encoding="utf-8"), own=own):
                found.append(f"{path.relative_to(ROOT)}:{line}")

    assert not found, (
        "another app's model loaded by name, hidden from the import contract; use a registry "
        f"the lower app offers (docs/design.md, Floors): {found}"
    )


@pytest.mark.parametrize(
    "source, flagged",
    [
        ('apps.get_model("community", "PostPart")', True),
        ('apps.get_model("community.PostPart")', True),
        ('apps.get_app_config("community").get_model("PostPart")', True),
        ("apps.get_model(label, name)", True),
        ('apps.get_model("partners", "Partner")', False),
        ('apps.get_app_config("partners").get_model("Supply")', False),
        ("get_user_model()", False),
    ],
)
def test_the_scan_sees_every_way_of_naming_a_model(source, flagged):
    assert bool(other_apps_models(source, own="partners")) is flagged
