"""app_modules: each installed app's module of a given name, in INSTALLED_APPS order."""

from django.apps import apps

from cocreate.core.discovery import app_modules


def test_finds_each_apps_module_in_installed_apps_order():
    found = list(app_modules("seed"))

    names = [app_config.name for app_config, _module in found]
    installed = [app_config.name for app_config in apps.get_app_configs()]
    assert names == [name for name in installed if name in names]
    assert {"cocreate.accounts", "products", "community", "service_desk"} <= set(names)
    for app_config, module in found:
        assert module.__name__ == f"{app_config.name}.seed"
        assert callable(module.seed)


def test_apps_without_the_module_are_left_out():
    names = [app_config.name for app_config, _module in app_modules("seed")]

    assert "cocreate.core" not in names and "django.contrib.auth" not in names
    assert list(app_modules("no_such_module")) == []
