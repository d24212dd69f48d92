"""A real OpenID Connect provider for the tests: a small Django project of its own around
django-oauth-toolkit's OpenID Connect support, run by gunicorn in a child process with a
throwaway SQLite database and signing key (tests/oidc.py starts it and drives it).

Nothing here runs in the test process: this package is imported only by the provider's own
process, under its own settings (`tests.oidc_provider.settings`).
"""
