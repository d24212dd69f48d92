"""The designers' system checks: a setting renamed in an upgrade is not ignored silently."""

from django.core.checks import run_checks


def warnings_about_milestones():
    return [m for m in run_checks() if m.id == "designers.W001"]


def test_the_old_single_milestone_setting_is_named_with_its_replacement(settings):
    settings.DESIGNERS_SURFACE_MILESTONE = 50

    (warning,) = warnings_about_milestones()

    assert "DESIGNERS_SURFACE_MILESTONES" in warning.hint


def test_no_warning_without_it():
    assert warnings_about_milestones() == []
