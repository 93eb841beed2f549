"""The volunteer site: a person's own data, their change requests, and the roster of the unit they coordinate.

Every record is reached through `registry.scoping` (or `volunteer.units`, built on it): another
person's record or another unit's member is a 404, exactly like a missing one, and the attempt is
logged on "pskshub.volunteer". Writes go through `registry.services`.
"""

from __future__ import annotations

import copy
import functools
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import coordinated_units, is_staff_member
from forums import queries as forum_queries
from pskshub.scoping import get_visible_or_404
from registry import scoping, services
from registry.models import ChangeRequest, Membership, Person, Verification
from registry.nik import clean_nik_input, mask_nik

from . import forms, units

logger = logging.getLogger("pskshub.volunteer")

ROSTER_PAGE_SIZE = 25
# Fields every POST may carry besides the form's own.
_FORM_PLUMBING = {"csrfmiddlewaretoken", "next", "step"}


# --- Helpers ---------------------------------------------------------------------------------------------------------


def logged_refusals(view):
    """Log every 404 and 403 a view answers: a guessed id or a forged unit leaves a trace."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (Http404, PermissionDenied) as exc:
            logger.warning(
                "Refused (%s) %s %s for user %s (%s)",
                404 if isinstance(exc, Http404) else 403,
                request.method,
                request.path,
                request.user.pk,
                request.user.get_username(),
            )
            raise

    return wrapper


def _page(request: HttpRequest, template: str, context: dict, *, section: str, status: int = 200) -> HttpResponse:
    """Render a volunteer page with its navigation (links for coordinators only where they apply)."""
    context["volunteer_nav"] = {"section": section, "units": bool(coordinated_units(request.user))}
    return render(request, template, context, status=status)


def _no_person(request: HttpRequest) -> HttpResponse:
    """A login without a person record: staff go to the admin, coordinators to their units, others are told why."""
    if is_staff_member(request.user):
        return redirect("admin:index")
    if coordinated_units(request.user):
        return redirect("volunteer:unit_list")
    return render(request, "volunteer/no_person.html", status=404)


def _refuse_forged_fields(request: HttpRequest, *forms_: Form, also: tuple[str, ...] = ()) -> None:
    """Fields no form of the page has (a forged `nik`, `verification`, `person`) are ignored, and logged."""
    expected = set(_FORM_PLUMBING) | set(also)
    for form in forms_:
        expected |= {form.add_prefix(name) for name in form.fields}
    forged = sorted(set(request.POST) - expected)
    if forged:
        logger.warning(
            "Ignored fields %s posted to %s by user %s (%s)",
            ", ".join(forged),
            request.path,
            request.user.pk,
            request.user.get_username(),
        )
        messages.warning(
            request,
            _("Kolom %(fields)s tidak dapat diubah di halaman ini dan diabaikan.") % {"fields": ", ".join(forged)},
        )


def _add_model_errors(form: Form, exc: ValidationError) -> None:
    """Errors of a record's `full_clean()`, shown on the form fields they belong to (or above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _next_url(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _with_rows(change_requests) -> list[dict]:
    return [{"request": cr, "rows": services.change_request_rows(cr)} for cr in change_requests]


# --- Data Saya -------------------------------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    person = scoping.own_person(request.user)
    if person is None:
        return _no_person(request)
    memberships = scoping.memberships_for(request.user).filter(person=person).order_by("status", "-start_date", "pk")
    change_requests = scoping.change_requests_for(request.user).filter(requested_by=request.user, person=person)
    events = forum_queries.events_of(person)[:20]  # the person's own participations: theirs to see
    return _page(
        request,
        "volunteer/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "change_requests": _with_rows(change_requests[:10]),
            "participations": events,
        },
        section="my_data",
    )


def _contacts_form(request: HttpRequest, person: Person, *, success_url: str, section: str) -> HttpResponse:
    form = forms.ContactsForm(request.POST if request.method == "POST" else None, instance=person)
    if request.method == "POST":
        _refuse_forged_fields(request, form)
        if form.is_valid():
            try:
                services.person_update_contacts(
                    person=person,
                    acting_user=request.user,
                    expected_version=form.cleaned_data["expected_version"],
                    **{name: form.cleaned_data[name] for name in Person.CONTACT_FIELDS},
                )
            except services.StaleRecord as exc:
                logger.info("Stale contacts of person %s refused for user %s", person.pk, request.user.pk)
                form.add_error(None, exc.message())
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                messages.success(request, _("Kontak diperbarui."))
                return redirect(success_url)
    return _page(
        request,
        "volunteer/person_contacts_form.html",
        {"form": form, "person": person, "cancel_url": success_url, "next": success_url},
        section=section,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def contacts_update(request: HttpRequest) -> HttpResponse:
    person = scoping.own_person(request.user)
    if person is None:
        return _no_person(request)
    return _contacts_form(request, person, success_url=reverse("volunteer:my_data"), section="my_data")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def change_request_create(request: HttpRequest) -> HttpResponse:
    person = scoping.own_person(request.user)
    if person is None:
        return _no_person(request)
    # The form works on a copy: validating it must not touch the record the request is compared with.
    form = forms.PersonChangeRequestForm(request.POST if request.method == "POST" else None, instance=copy.copy(person))
    if request.method == "POST":
        _refuse_forged_fields(request, form)
        if form.is_valid() and not _add_stale_error(form, person):
            return _file_change_request(
                request, person, form, success_url=reverse("volunteer:my_data"), regency=person.regency
            )
    pending = scoping.change_requests_for(request.user).filter(
        person=person, membership=None, status=ChangeRequest.Status.PENDING
    )
    return _page(
        request,
        "volunteer/changerequest_form.html",
        {"form": form, "person": person, "membership": None, "pending": pending.count()},
        section="my_data",
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def membership_change_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    membership = units.get_requestable_membership_for(request.user, pk)
    own = membership.person.account_id == request.user.pk
    form = forms.MembershipChangeRequestForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(membership)
    )
    if request.method == "POST":
        _refuse_forged_fields(request, form)
        if form.is_valid() and not _add_stale_error(form, membership):
            success_url = reverse("volunteer:my_data") if own else reverse("volunteer:change_request_list")
            return _file_change_request(request, membership, form, success_url=success_url, regency=membership.regency)
    pending = scoping.change_requests_for(request.user).filter(
        membership=membership, status=ChangeRequest.Status.PENDING
    )
    return _page(
        request,
        "volunteer/changerequest_form.html",
        {"form": form, "person": membership.person, "membership": membership, "own": own, "pending": pending.count()},
        section="my_data" if own else "units",
    )


def _add_stale_error(form, record: Person | Membership) -> bool:
    """A request built on older data would undo the change made meanwhile: refuse it, saying what changed."""
    try:
        services.record_check_version(record=record, expected_version=form.cleaned_data["expected_version"])
    except services.StaleRecord as exc:
        form.add_error(None, exc.message())
        return True
    return False


def _file_change_request(request: HttpRequest, record, form, *, success_url: str, regency) -> HttpResponse:
    change_request = services.change_request_create(
        record=record, requested_by=request.user, new_values=form.official_values(), note=form.cleaned_data["note"]
    )
    if change_request is None:
        messages.info(request, _("Tidak ada perubahan."))
    else:
        messages.success(
            request,
            _(
                "Permintaan perubahan dikirim ke Dinas Sosial %(regency)s. Data lama tetap berlaku sampai "
                "petugas menyetujuinya; keputusannya tampil di halaman Permintaan Saya."
            )
            % {"regency": regency.name},
        )
    return redirect(success_url)


# --- Permintaan Saya -------------------------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def change_request_list(request: HttpRequest) -> HttpResponse:
    if not coordinated_units(request.user) and scoping.own_person(request.user) is None:
        return _no_person(request)
    change_requests = scoping.change_requests_for(request.user).filter(requested_by=request.user)
    page = Paginator(change_requests, 20).get_page(request.GET.get("page"))
    return _page(
        request,
        "volunteer/changerequest_list.html",
        {"page": page, "change_requests": _with_rows(page.object_list)},
        section="requests",
    )


@login_required
@require_POST
@logged_refusals
def change_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change_request = get_visible_or_404(request.user, ChangeRequest, requested_by=request.user, pk=pk)
    try:
        services.change_request_withdraw(change_request=change_request, acting_user=request.user)
    except services.ChangeRequestError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Permintaan dibatalkan."))
    return redirect(_next_url(request, reverse("volunteer:change_request_list")))


# --- Unit Saya: rosters kept by coordinators -------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
@logged_refusals
def unit_list(request: HttpRequest) -> HttpResponse:
    coordinated = units.units_for(request.user)
    if not coordinated:
        raise PermissionDenied
    rows = []
    for unit in coordinated:
        counts = units.members(request.user, unit).aggregate(
            active=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
            unverified=Count("pk", filter=Q(verification=Verification.UNVERIFIED)),
        )
        rows.append({"unit": unit, **counts})
    return _page(request, "volunteer/unit_list.html", {"rows": rows}, section="units")


@login_required
@require_GET
@never_cache
@logged_refusals
def roster(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    unit = units.get_unit_for(request.user, kind, key)
    members = units.members(request.user, unit)
    counts = members.aggregate(
        active=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
        ended=Count("pk", filter=Q(status=Membership.Status.ENDED)),
    )
    status = Membership.Status.ENDED if request.GET.get("status") == "ended" else Membership.Status.ACTIVE
    query = " ".join(request.GET.get("q", "").split())[:100]
    shown = members.filter(status=status)
    if query:
        shown = shown.filter(person__full_name__icontains=query)
    page = Paginator(shown, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "volunteer/membership_list.html",
        {"unit": unit, "page": page, "counts": counts, "status": status, "query": query},
        section="units",
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def roster_add(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """Add a member: the NIK first; an existing person is linked (name shown only), a new one is entered."""
    unit = units.get_unit_for(request.user, kind, key)
    step = request.POST.get("step") if request.method == "POST" else None
    lookup = forms.NikLookupForm(request.POST if step == "lookup" else None)
    context = {"unit": unit, "lookup": lookup, "step": "lookup"}
    if step == "lookup":
        _refuse_forged_fields(request, lookup)
        if lookup.is_valid():
            nik = lookup.cleaned_data["nik"]
            existing = scoping.find_person_by_nik(request.user, nik)
            logger.info(
                "User %s looked up NIK %s for %s %s: %s",
                request.user.pk,
                mask_nik(nik),
                unit.kind,
                unit.key,
                f"person {existing.pk}" if existing else "not registered",
            )
            context.update(
                step="member",
                existing=existing,
                nik=nik,
                person_form=None if existing else forms.MemberPersonForm(unit=unit, initial={"nik": nik}),
                member_form=forms.MemberAddForm(unit=unit),
            )
    elif step == "save":
        nik = clean_nik_input(request.POST.get("nik"))
        # Decided again from the NIK, never from a posted id: an existing person is linked, never duplicated.
        existing = scoping.find_person_by_nik(request.user, nik) if nik else None
        if existing and "full_name" in request.POST:
            # A NIK typed anew in the new-person form belongs to someone registered: show who, ask again.
            context.update(
                step="member", existing=existing, nik=nik, member_form=forms.MemberAddForm(request.POST, unit=unit)
            )
            return _page(request, "volunteer/membership_form.html", context, section="units")
        person_form = None if existing else forms.MemberPersonForm(request.POST, unit=unit)
        member_form = forms.MemberAddForm(request.POST, unit=unit)
        _refuse_forged_fields(request, member_form, *([person_form] if person_form else []), also=("nik",))
        context.update(step="member", existing=existing, nik=nik, person_form=person_form, member_form=member_form)
        if member_form.is_valid() and (existing or person_form.is_valid()):
            person = existing or person_form.save(commit=False)
            try:
                membership = services.roster_add_member(
                    person=person,
                    psks_type=member_form.cleaned_data["psks_type"],
                    acting_user=request.user,
                    start_date=member_form.cleaned_data["start_date"],
                    position=member_form.cleaned_data["position"],
                    **unit.membership_kwargs(),
                )
            except ValidationError as exc:  # e.g. already an active member of this type; nothing was saved
                about_person = person_form is not None and set(getattr(exc, "error_dict", {})) & set(person_form.fields)
                _add_model_errors(person_form if about_person else member_form, exc)
            except IntegrityError:
                # The same NIK saved by someone else a moment ago: start again from the NIK.
                member_form.add_error(None, _("NIK ini baru saja didaftarkan. Ulangi dari langkah NIK."))
            else:
                logger.info(
                    "User %s added membership %s (person %s, %s) to %s %s",
                    request.user.pk,
                    membership.pk,
                    person.pk,
                    "existing" if existing else "new",
                    unit.kind,
                    unit.key,
                )
                messages.success(
                    request,
                    _("%(name)s ditambahkan ke %(unit)s; menunggu verifikasi Dinas Sosial.")
                    % {"name": person.full_name, "unit": unit.name},
                )
                return redirect("volunteer:roster", kind=unit.kind, key=unit.key)
    return _page(request, "volunteer/membership_form.html", context, section="units")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def membership_end(request: HttpRequest, kind: str, key: str, pk: int) -> HttpResponse:
    unit = units.get_unit_for(request.user, kind, key)
    membership = units.get_member_for(request.user, unit, pk)
    roster_url = reverse("volunteer:roster", kwargs={"kind": unit.kind, "key": unit.key})
    if membership.status == Membership.Status.ENDED:
        messages.info(request, _("Keanggotaan ini sudah berakhir."))
        return redirect(roster_url)
    form = forms.MembershipEndForm(request.POST if request.method == "POST" else None, membership=membership)
    if request.method == "POST":
        _refuse_forged_fields(request, form)
        if form.is_valid():
            try:
                services.membership_end(
                    membership=membership,
                    acting_user=request.user,
                    end_date=form.cleaned_data["end_date"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except services.StaleRecord as exc:
                form.add_error(None, exc.message())
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                logger.info("User %s ended membership %s in %s %s", request.user.pk, membership.pk, unit.kind, unit.key)
                messages.success(
                    request,
                    _("Keanggotaan %(name)s diakhiri; menunggu verifikasi Dinas Sosial.")
                    % {"name": membership.person.full_name},
                )
                return redirect(roster_url)
    return _page(
        request,
        "volunteer/membership_confirm_end.html",
        {"unit": unit, "membership": membership, "form": form, "cancel_url": roster_url},
        section="units",
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def member_contacts_update(request: HttpRequest, pk: int) -> HttpResponse:
    person = scoping.get_person_for(request.user, pk, write=True)
    success_url = _next_url(request, reverse("volunteer:unit_list"))
    return _contacts_form(request, person, success_url=success_url, section="units")
