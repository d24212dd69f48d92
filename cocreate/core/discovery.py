"""Find what each installed app contributes by convention: `<app>/seed.py`, `<app>/scale.py`,
`<app>/consistency.py`.

The ground floor names no app above it: the commands that load demo data, generate scale data
or check counters ask every installed app for its module instead.
"""

from collections.abc import Iterator
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """(app config, module) for each installed app that has a module `name`, in INSTALLED_APPS
    order: the floors' order, so an app's module may rely on what the apps below it made."""
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.{name}"
        if find_spec(module_name) is not None:
            yield app_config, import_module(module_name)
