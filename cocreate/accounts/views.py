from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from cocreate.core.forms import add_service_errors
from cocreate.core.i18n import supported_language
from cocreate.core.menu import role_pages_for

from .forms import AccountDeleteForm, ApiTokenForm, ProfileForm
from .models import ApiToken
from .own_page import own_page_sections
from .permissions import is_staff
from .selectors import has_verified_email, latest_data_export, mfa_enabled
from .services import (
    DataExportLinkGone,
    account_delete,
    data_export_claim,
    data_export_request,
)
from .tokens import api_token_create, api_token_revoke


def old_password_reset_link(request, uidb64, token):
    """A reset link e-mailed before allauth: it no longer works, so ask for a new one."""
    messages.info(
        request, _("That password reset link has expired. Enter your e-mail to get a new one.")
    )
    return redirect("account_reset_password", permanent=True)


@login_required
@require_GET
def own_page(request):
    """The person's own page: a section per app of what they have here (own_page.py)."""
    return render(request, "accounts/own_page.html", {"sections": own_page_sections(request.user)})


@login_required
@require_GET
def work_places(request):
    """Staff land here: the places they may work, to choose from. Others have no such page."""
    if not is_staff(request.user):
        raise Http404
    places = [link for link in role_pages_for(request.user) if not link.own]
    return render(request, "accounts/work_places.html", {"places": places})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return _render_profile(request, form=form)


def _render_profile(request, *, form=None, token_form=None, new_key=None, status=200):
    context = {
        "form": form or ProfileForm(instance=request.user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_key": new_key,
        "email_verified": has_verified_email(request.user),
        "data_export": latest_data_export(request.user),
        "mfa_enabled": mfa_enabled(request.user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
def token_create(request):
    """Make a named token and show its key on this one answer (it is stored hashed)."""
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        try:
            token, key = api_token_create(user=request.user, name=token_form.cleaned_data["name"])
        except ValidationError as error:
            token_form.add_error("name", error.message_dict["name"])
        else:
            messages.success(
                request,
                _("The token “%(name)s” was created. Copy its key now: it is not shown again.")
                % {"name": token.name},
            )
            return _render_profile(request, new_key=key)
    return _render_profile(request, token_form=token_form, status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    if not api_token_revoke(user=request.user, token_id=pk):
        raise Http404
    messages.success(request, _("The token was revoked; integrations using it are refused."))
    return redirect("profile")


@login_required
@require_POST
def data_export_create(request):
    """Ask for a copy of one's data: built by a Celery job, its link e-mailed."""
    try:
        data_export_request(user=request.user, requested_by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("We are gathering your data. We will e-mail you a link once it is ready.")
        )
    return redirect("profile")


@login_required
@require_GET
def data_export_status(request):
    """The profile's "Your data" panel alone: htmx asks for it while an export is built."""
    return render(
        request, "accounts/_your_data.html", {"data_export": latest_data_export(request.user)}
    )


@login_required
@require_GET
def data_export_download(request, pk, token):
    """The e-mailed link: the ZIP for its own person, once, within 24 hours."""
    try:
        export = data_export_claim(user=request.user, export_id=pk, token=token)
    except PermissionDenied as refusal:
        return _link_refused(request, refusal, status=403)
    except DataExportLinkGone as refusal:
        return _link_refused(request, refusal, status=410)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"cocreate-data-{export.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )


def _link_refused(request, refusal, *, status):
    message = refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
    return render(
        request,
        "accounts/data_export_refused.html",
        {"message": message, "status": status},
        status=status,
    )


def _without_password(request) -> bool:
    return not request.user.has_usable_password()


@login_required
@reauthentication_required(allow_get=True, enabled=_without_password)
def account_delete_confirm(request):
    """Delete one's own account after typing the password again; an account without one (a
    company or social sign-in) confirms who it is through allauth's reauthentication first: a
    code e-mailed to its verified address, or its second factor."""
    # Bound on every POST: without a password field, the confirmation posts no data at all.
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, request=request)
    if form.is_bound and form.is_valid():
        try:
            account_delete(user=request.user, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted. Goodbye, and thank you."))
            return redirect("core:home")
    status = 400 if form.errors else 200
    context = {"form": form, "retention_days": settings.ACCOUNTS_TICKET_RETENTION_DAYS}
    return render(request, "accounts/account_delete.html", context, status=status)


@require_POST
def set_language(request):
    """The footer's language switcher: a cookie for everyone (Django's view) and, for a signed-in
    user, their saved preference too, since that preference comes first."""
    response = django_set_language(request)
    language = supported_language(request.POST.get("language"))
    if language and request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
