from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from rest_framework.authtoken.models import Token

from cocreate.core.i18n import supported_language

from .forms import ProfileForm, SignUpForm
from .services import user_sign_up


def sign_up(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_sign_up(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            time_zone=form.cleaned_data["time_zone"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to CoCreate, %(name)s!") % {"name": user.username})
        return redirect("core:home")
    return render(request, "accounts/sign_up.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/profile.html", {"form": form, "token": token})


@login_required
@require_POST
def token_create(request):
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    messages.success(request, _("A new API token was created. The previous one no longer works."))
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request):
    Token.objects.filter(user=request.user).delete()
    messages.success(request, _("Your API token was revoked."))
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
