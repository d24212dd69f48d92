from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from cocreate.core.i18n import supported_language

from .forms import ApiTokenForm, ProfileForm
from .models import ApiToken
from .selectors import has_verified_email, mfa_enabled
from .tokens import api_token_create, api_token_revoke


def old_password_reset_link(request, uidb64, token):
    """A reset link e-mailed before allauth: it no longer works, so ask for a new one."""
    messages.info(
        request, _("That password reset link has expired. Enter your e-mail to get a new one.")
    )
    return redirect("account_reset_password", permanent=True)


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
