"""A member's own organisations (/partners/mine/): the dashboard, profile, members, invitations,
catalog."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cocreate.core.forms import add_service_errors
from cocreate.core.images import image_upload_rate_limit_hit
from cocreate.core.ratelimit import RateLimit, rate_limit_hit

from .. import dashboard, permissions, selectors, services
from ..forms import (
    InvitationForm,
    PartnerProfileForm,
    ProvisionForm,
    SupplyForm,
)
from ..logos import logo_clean
from ..models import Invitation, Membership
from ._common import _manage_context, _membership_or_404, _refused

INVITE_RATE = RateLimit(20, 3600)


@login_required
def mine(request):
    """The user's organisations; someone in only one goes straight to its dashboard."""
    memberships = list(selectors.memberships_of(request.user))
    if len(memberships) == 1:
        return redirect("partners:manage", slug=memberships[0].partner.slug)
    return render(request, "partners/mine.html", {"memberships": memberships})


@login_required
def organisation_dashboard(request, slug):
    """An organisation at a glance: its projects and their next milestone, the invitations
    waiting for it, the latest updates of its projects and the demand for its parts.

    A suspended partner's members may not read the projects' work (partners/permissions.py):
    they see the projects and invitations without milestones and updates."""
    membership = _membership_or_404(request, slug)
    partner = membership.partner
    work_visible = not partner.is_suspended
    project_invitations = list(selectors.open_project_invitations_of(partner))
    member_invitations = (
        list(dashboard.member_invitations_for(partner)) if membership.is_owner else []
    )
    context = _manage_context(
        membership,
        "dashboard",
        now=timezone.now(),
        work_visible=work_visible,
        projects=dashboard.projects_of(partner, with_milestones=work_visible),
        project_invitations=project_invitations,
        member_invitations=member_invitations,
        open_invitation_count=len(project_invitations) + len(member_invitations),
        updates=dashboard.recent_updates(partner) if work_visible else [],
        demand=dashboard.demand_figures(partner),
        may_start_project=permissions.can_create_project(request.user),
    )
    return render(request, "partners/dashboard.html", context)


@login_required
def manage_profile(request, slug):
    membership = _membership_or_404(request, slug)
    partner = membership.partner
    form = PartnerProfileForm(request.POST or None, request.FILES or None, instance=partner)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.PARTNER_EDITABLE_FIELDS}
        upload = form.cleaned_data.get("logo_upload")
        # A logo counts against the image rate once the form is valid, and is decoded only if
        # the rate allows it (cocreate/core/images.py).
        wait = image_upload_rate_limit_hit(user=request.user) if upload else None
        if wait is not None:
            form.add_error(
                "logo_upload",
                ngettext(
                    "Too many images uploaded. Try again in %(seconds)d second.",
                    "Too many images uploaded. Try again in %(seconds)d seconds.",
                    wait,
                )
                % {"seconds": wait},
            )
            status = 429
        else:
            try:
                logo = _logo_or_field_error(upload)
                services.partner_update(
                    partner=partner,
                    logo=logo,
                    remove_logo=form.cleaned_data.get("remove_logo", False),
                    **data,
                )
            except PermissionDenied as error:
                return _refused(request, error, back_url=reverse("partners:profile", args=[slug]))
            except ValidationError as error:
                partner.refresh_from_db()
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your organisation's profile was saved."))
                return redirect("partners:profile", slug=partner.slug)
    return render(
        request,
        "partners/manage_profile.html",
        _manage_context(membership, "profile", form=form),
        status=status,
    )


def _logo_or_field_error(upload):
    """The re-encoded logo (None without an upload); its refusal as the field's error."""
    if not upload:
        return None
    try:
        return logo_clean(upload)
    except ValidationError as error:
        raise ValidationError({"logo_upload": error.messages}) from error


@login_required
def manage_members(request, slug):
    membership = _membership_or_404(request, slug)
    partner = membership.partner
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not membership.is_owner:
            raise PermissionDenied
        if form.is_valid():
            wait = rate_limit_hit(key=f"partners.invite:{request.user.pk}", rate=INVITE_RATE)
            if wait:
                messages.error(request, _("Too many invitations. Try again later."))
                return redirect("partners:members", slug=slug)
            try:
                invitation = services.invitation_create(
                    partner=partner,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except PermissionDenied as error:
                return _refused(request, error, back_url=reverse("partners:members", args=[slug]))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("partners:members", slug=slug)
    context = _manage_context(
        membership,
        "members",
        form=form,
        members=selectors.members_of(partner),
        invitations=selectors.open_invitations_of(partner),
    )
    return render(request, "partners/manage_members.html", context)


@login_required
@require_POST
def member_remove(request, slug, pk):
    membership = _membership_or_404(request, slug)
    target = get_object_or_404(Membership, pk=pk, partner=membership.partner)
    try:
        services.membership_remove(membership=target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("partners:members", slug=slug)
    if target.user_id == request.user.pk:
        messages.success(request, _("You left %(name)s.") % {"name": membership.partner.name})
        return redirect("partners:mine")
    messages.success(request, _("%(name)s was removed.") % {"name": target.user.public_name})
    return redirect("partners:members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    membership = _membership_or_404(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, partner=membership.partner)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("partners:members", slug=slug)


@login_required
def manage_catalog(request, slug):
    membership = _membership_or_404(request, slug)
    partner = membership.partner
    supply_form = SupplyForm(prefix="supply")
    provision_form = ProvisionForm(prefix="provision")
    if request.method == "POST":
        if "supply-sku" in request.POST:
            supply_form = SupplyForm(request.POST, prefix="supply")
            form, add = supply_form, _add_supply
        else:
            provision_form = ProvisionForm(request.POST, prefix="provision")
            form, add = provision_form, _add_provision
        if form.is_valid():
            try:
                add(partner, form.cleaned_data)
            except PermissionDenied as error:
                return _refused(request, error, back_url=reverse("partners:catalog", args=[slug]))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Added to your catalog listing."))
                return redirect("partners:catalog", slug=slug)
    context = _manage_context(
        membership,
        "catalog",
        supply_form=supply_form,
        provision_form=provision_form,
        supplies=partner.supplies.select_related("part"),
        provisions=partner.provisions.select_related("service"),
    )
    return render(request, "partners/manage_catalog.html", context)


def _add_supply(partner, data):
    try:
        services.supply_add(partner=partner, part=data["part"], note=data["note"])
    except ValidationError as error:
        raise ValidationError({"sku": error.message_dict["part"]}) from error


def _add_provision(partner, data):
    services.provision_add(partner=partner, service=data["service"], note=data["note"])


@login_required
@require_POST
def catalog_remove(request, slug, what, pk):
    membership = _membership_or_404(request, slug)
    partner = membership.partner
    listings = {"supplies": partner.supplies, "provisions": partner.provisions}
    if what not in listings:
        raise Http404
    listing = get_object_or_404(listings[what], pk=pk)
    try:
        services.catalog_remove(partner=partner, listing=listing)
    except PermissionDenied as error:
        return _refused(request, error, back_url=reverse("partners:catalog", args=[slug]))
    messages.success(request, _("Removed from your catalog listing."))
    return redirect("partners:catalog", slug=slug)


def invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("partner"), token=token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except PermissionDenied as error:
            context = {"invitation": invitation, "refusal": error.args[0] if error.args else ""}
            return render(request, "partners/invitation.html", context, status=403)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("partners:invitation", token=token)
        messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.partner.name})
        return redirect("partners:manage", slug=invitation.partner.slug)
    refusal = (
        services.invitation_refusal(invitation, request.user)
        if request.user.is_authenticated
        else None
    )
    return render(
        request, "partners/invitation.html", {"invitation": invitation, "refusal": refusal}
    )
