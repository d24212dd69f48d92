from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cocreate.core.charts import bar_chart
from cocreate.core.db_routing import replica_reads
from cocreate.core.forms import add_service_errors
from cocreate.core.images import image_upload_rate_limit_hit
from cocreate.core.ratelimit import RateLimit, rate_limit_hit

from . import permissions, selectors, services
from .forms import (
    ApplicationForm,
    DecisionForm,
    DirectoryFilterForm,
    InvitationForm,
    PartnerProfileForm,
    ProjectFilterForm,
    ProjectForm,
    ProvisionForm,
    SupplyForm,
)
from .logos import logo_clean
from .models import Application, CollaborationProject, Invitation, Membership, Partner

DIRECTORY_PAGE_SIZE = 24
APPLY_RATE = RateLimit(5, 3600)
INVITE_RATE = RateLimit(20, 3600)


def _refused(request, error: PermissionDenied, *, back_url: str):
    """A service refused the action for a reason the user should read (a suspended partner, an
    invitation meant for someone else): a 403 page that says why."""
    message = error.args[0] if error.args else _("You are not allowed to do that.")
    return render(
        request, "partners/refused.html", {"message": message, "back_url": back_url}, status=403
    )


# --- Directory and partner pages ------------------------------------------------------------------


@replica_reads
def directory(request):
    form = DirectoryFilterForm(request.GET)
    partners = selectors.partner_directory(**form.criteria())
    page = Paginator(partners, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    if request.htmx and not request.htmx.history_restore_request:
        # The filters changed: htmx swaps in the results alone.
        return render(request, "partners/_directory_results.html", {"form": form, "page": page})
    pending_applications = (
        Application.objects.filter(status=Application.Status.PENDING).count()
        if request.user.is_authenticated and request.user.is_staff
        else None
    )
    return render(
        request,
        "partners/directory.html",
        {"form": form, "page": page, "pending_applications": pending_applications},
    )


@replica_reads
def partner_detail(request, slug):
    try:
        partner = selectors.partner_for_page(slug=slug, user=request.user)
    except Partner.DoesNotExist:
        raise Http404 from None
    membership = services.membership_of(request.user, partner)
    return render(request, "partners/detail.html", {"partner": partner, "membership": membership})


# --- Applications -----------------------------------------------------------------------------------


@login_required
def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = rate_limit_hit(key=f"partners.apply:{request.user.pk}", rate=APPLY_RATE)
        if wait:
            messages.error(request, _("Too many applications. Try again later."))
            return redirect("partners:apply")
        try:
            services.application_submit(applicant=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Staff will review your application and notify you of the decision."),
            )
            return redirect("partners:apply")
    applications = selectors.applications_of(request.user)
    return render(request, "partners/apply.html", {"form": form, "applications": applications})


def _staff_only(request) -> None:
    """Pages for staff are 404 to everyone else: they should not learn these exist."""
    if not request.user.is_authenticated or not request.user.is_staff:
        raise Http404


def application_queue(request):
    _staff_only(request)
    status = request.GET.get("status", Application.Status.PENDING)
    if status not in Application.Status.values:
        status = Application.Status.PENDING
    page = Paginator(selectors.application_queue(status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "partners/application_queue.html",
        {"page": page, "status": status, "statuses": Application.Status.choices},
    )


def application_review(request, pk):
    _staff_only(request)
    application = get_object_or_404(
        Application.objects.select_related("applicant", "decided_by", "partner"), pk=pk
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and application.is_pending and form.is_valid():
        decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
        try:
            if decision == DecisionForm.APPROVE:
                partner = services.application_approve(
                    application=application, decided_by=request.user, message=message
                )
                messages.success(
                    request, _("%(name)s is now an active partner.") % {"name": partner.name}
                )
            else:
                services.application_reject(
                    application=application, decided_by=request.user, message=message
                )
                messages.success(request, _("The application was rejected."))
        except services.AlreadyDecided:
            messages.warning(request, _("Someone decided this application in the meantime."))
        except ValidationError as error:
            add_service_errors(form, error)
            return render(
                request,
                "partners/application_review.html",
                {"application": application, "form": form},
            )
        return redirect("partners:application_queue")
    return render(
        request, "partners/application_review.html", {"application": application, "form": form}
    )


# --- The member's own organisations ------------------------------------------------------------------


@login_required
def mine(request):
    memberships = list(selectors.memberships_of(request.user))
    return render(request, "partners/mine.html", {"memberships": memberships})


def _membership_or_404(request, slug) -> Membership:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Membership.objects.select_related("partner"), user=request.user, partner__slug=slug
    )


def _manage_context(membership, tab, **extra):
    return {"membership": membership, "partner": membership.partner, "tab": tab, **extra}


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
                return _refused(request, error, back_url=reverse("partners:manage", args=[slug]))
            except ValidationError as error:
                partner.refresh_from_db()
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your organisation's profile was saved."))
                return redirect("partners:manage", slug=partner.slug)
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


@login_required
def manage_demand(request, slug):
    membership = _membership_or_404(request, slug)
    demand = selectors.partner_demand(partner=membership.partner)
    used = [row for row in demand["rows"] if getattr(row, "modification_count", 0)][:10]
    chart = (
        bar_chart(
            [(row.part.sku, row.modification_count) for row in used],  # names may not fit
            title=_("Community modifications using each part"),
        )
        if used
        else None
    )
    context = _manage_context(membership, "demand", demand=demand, chart=chart)
    return render(request, "partners/manage_demand.html", context)


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


# --- Collaboration projects ---------------------------------------------------------------------------


def project_list(request):
    form = ProjectFilterForm(request.GET)
    form.is_valid()  # an unknown kind or status is ignored
    kind = form.cleaned_data.get("kind", "")
    status = form.cleaned_data.get("status", "")
    page = Paginator(selectors.project_list(kind=kind, status=status), 20).get_page(
        request.GET.get("page")
    )
    can_create = permissions.can_create_project(request.user)
    return render(
        request,
        "partners/project_list.html",
        {
            "page": page,
            "form": form,
            "can_create": can_create,
        },
    )


def project_detail(request, slug):
    try:
        project = selectors.project_for_page(slug=slug)
    except CollaborationProject.DoesNotExist:
        raise Http404 from None
    can_manage = permissions.can_manage_project(request.user, project)
    return render(
        request, "partners/project_detail.html", {"project": project, "can_manage": can_manage}
    )


def _project_fields(form) -> dict:
    data = dict(form.cleaned_data)
    return {"partners": list(data.pop("partners")), "products": list(data.pop("products")), **data}


@login_required
def project_create(request):
    try:
        services.project_require_creator(user=request.user)
    except PermissionDenied as error:
        return _refused(request, error, back_url=reverse("partners:projects"))
    # The organisations the service lets them start a project for, chosen to begin with.
    owned = permissions.acting_ownerships(request.user).values_list("partner_id", flat=True)
    form = ProjectForm(
        request.POST or None, initial={"partners": list(owned), "kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(created_by=request.user, **_project_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was created."))
            return redirect(project)
    return render(request, "partners/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, slug):
    project = get_object_or_404(CollaborationProject, slug=slug)
    try:
        services.project_require_manager(user=request.user, project=project)
    except PermissionDenied as error:
        return _refused(request, error, back_url=project.get_absolute_url())
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **_project_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "partners/project_form.html", {"form": form, "project": project})
