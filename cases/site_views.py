"""The volunteer site's case pages (/relawan/kasus/): Kasus Saya, report a case, the case page, visits, photos.

Every case, entry and photo is reached through `pskshub.scoping` (rules in `cases.scoping`): a case the
user may not see is a 404, exactly like a missing one. Writes go through `cases.services`; photos are
checked and stripped of their metadata by `cases.photos` while the form is validated.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import is_staff_member
from audit.models import AccessLog
from audit.services import log_access
from cases import forms, photos, scoping, services
from cases.models import Beneficiary, Case, CaseEntry, CasePhoto
from pskshub.scoping import get_visible_or_404, visible
from registry import scoping as registry_scoping
from registry.models import Person
from volunteer.views import _add_model_errors, _no_person, _page, _refuse_forged_fields, logged_refusals

logger = logging.getLogger("pskshub.volunteer")

PAGE_SIZE = 20
_CONFIRM_FIELDS = ("confirm_existing", "confirm_similar")


# --- Helpers ---------------------------------------------------------------------------------------------------------


def _may_use_cases(user) -> bool:
    """Volunteers (a login with a person record) and staff; a login without either has no cases here."""
    return is_staff_member(user) or registry_scoping.own_person(user) is not None


def my_cases(user, *, status: str = "") -> tuple[QuerySet, QuerySet]:
    """Kasus Saya: the visible cases the user reported, and those assigned to them (two querysets).

    Kept apart so that each reads its own index, (reporter, opened) and (assignee, opened), newest first and
    only as far as the page needs; joined with OR, PostgreSQL read and sorted all of a busy volunteer's cases.
    """
    own_person = Person.objects.filter(account=user).values("pk")[:1]
    cases = visible(user, Case).order_by("-opened_at", "-pk")
    if status:
        cases = cases.filter(status=status)
    return cases.filter(reported_by=user), cases.filter(assignee_id=Subquery(own_person))


def my_cases_page(user, *, status: str, number: int, size: int) -> tuple[list[Case], bool]:
    """Page `number` of Kasus Saya (newest first) and whether another page follows: two short index reads for
    the page's ids, then those cases. No COUNT."""
    reported, assigned = my_cases(user, status=status)
    wanted = number * size + 1  # the rows up to this page, and one beyond it
    newest = sorted(
        {*reported.values_list("opened_at", "pk")[:wanted], *assigned.values_list("opened_at", "pk")[:wanted]},
        reverse=True,
    )[(number - 1) * size : wanted]
    ids = [pk for _opened, pk in newest]
    by_id = visible(user, Case).in_bulk(ids[:size])
    return [by_id[pk] for pk in ids[:size] if pk in by_id], len(ids) > size


def masked_name(name: str) -> str:
    """`Siti Aminah` → `S••• A•••••`: enough to recognise, not enough to identify."""
    return " ".join(word[0] + "•" * (len(word) - 1) for word in name.split())


def _token(purpose: str, value: str) -> str:
    """What a confirmation box carries: tied to the records it confirms, so a stale tick confirms nothing."""
    return salted_hmac(f"cases.report.{purpose}", value, algorithm="sha256").hexdigest()[:20]


def _receivers(case: Case) -> list:
    """The TKSK of the case's kecamatan, who will receive it with the Dinsos staff of its regency."""
    return [p for p in services.suggested_assignees(case.district_id, case.regency_id) if p.is_tksk]


def _case_url(case: Case) -> str:
    return reverse("volunteer:case_detail", args=[case.pk])


# --- Kasus Saya ------------------------------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def case_list(request: HttpRequest) -> HttpResponse:
    if not _may_use_cases(request.user):
        return _no_person(request)
    status = request.GET.get("status", "")
    if status not in Case.Status.values:
        status = ""
    try:
        number = max(1, min(int(request.GET.get("hal", 1)), 10_000))
    except ValueError:
        number = 1
    rows, has_next = my_cases_page(request.user, status=status, number=number, size=PAGE_SIZE)
    return _page(
        request,
        "volunteer/cases/case_list.html",
        {
            "cases": rows,
            "number": number,
            "has_next": has_next,
            "status": status,
            "statuses": Case.Status.choices,
            "may_report": scoping.reporting_regencies(request.user) != frozenset(),
        },
        section="cases",
    )


# --- Lapor kasus -----------------------------------------------------------------------------------------------------


def _similar_rows(user, similar: list[Beneficiary]) -> list[dict]:
    """The similar beneficiaries as the user may know them: a link where they may see a record, else a masked name."""
    pks = [b.pk for b in similar]
    seen = set(visible(user, Beneficiary).filter(pk__in=pks).values_list("pk", flat=True))
    latest_case = {}
    for case_pk, beneficiary_pk in (
        visible(user, Case).filter(beneficiary_id__in=seen).values_list("pk", "beneficiary_id")
    ):
        latest_case.setdefault(beneficiary_pk, case_pk)
    rows = []
    for b in similar:
        url = reverse("volunteer:case_detail", args=[latest_case[b.pk]]) if b.pk in latest_case else ""
        rows.append(
            {"name": b.full_name if b.pk in seen else masked_name(b.full_name), "village": b.village.name, "url": url}
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def case_report(request: HttpRequest) -> HttpResponse:
    if not _may_use_cases(request.user):
        return _no_person(request)
    if scoping.reporting_regencies(request.user) == frozenset():
        return _no_person(request)
    form = forms.CaseReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
    )
    context: dict = {"form": form}
    if request.method == "POST":
        _refuse_forged_fields(request, form, also=_CONFIRM_FIELDS)
        if form.is_valid():
            response = _report(request, form, context)
            if response is not None:
                return response
        context["reselect_photos"] = bool(request.FILES.getlist("photos"))
    return _page(request, "volunteer/cases/case_report.html", context, section="cases")


def _report(request: HttpRequest, form: forms.CaseReportForm, context: dict) -> HttpResponse | None:
    """Check for duplicates (asking for a confirmation) and save; None: show the form again."""
    cleaned = form.cleaned_data
    birth_date, _estimated = form.resolved_birth_date()
    duplicates = services.find_duplicates(
        nik=cleaned["nik"] or None,
        full_name=cleaned["full_name"],
        birth_date=birth_date,
        village_code=cleaned["village"].pk,
    )
    description = cleaned["description"]
    if duplicates.same_nik is not None:
        existing = duplicates.same_nik
        token = _token("nik", f"{existing.pk}:{cleaned['nik']}")
        if request.POST.get("confirm_existing") != token:
            context.update(existing_name=masked_name(existing.full_name), existing_token=token)
            return None
        beneficiary = existing
        if cleaned["location_description"]:
            description = f"{description}\n{_('Lokasi')}: {cleaned['location_description']}"
    else:
        if duplicates.similar:
            token = _token("similar", ",".join(str(b.pk) for b in duplicates.similar))
            if request.POST.get("confirm_similar") != token:
                context.update(similar=_similar_rows(request.user, duplicates.similar), similar_token=token)
                return None
        beneficiary = form.new_beneficiary()
    try:
        case = services.report_with_beneficiary(
            user=request.user,
            beneficiary=beneficiary,
            category=cleaned["category"],
            other_categories=cleaned["other_categories"],
            description=description,
            priority=cleaned["priority"],
            source=Case.Source.OUTREACH if is_staff_member(request.user) else Case.Source.VOLUNTEER,
            photos=cleaned["photos"],
        )
    except ValidationError as exc:
        _add_model_errors(form, exc)
        return None
    except IntegrityError:
        form.add_error("nik", _("NIK ini baru saja didaftarkan. Kirim ulang formulir untuk melanjutkan."))
        return None
    logger.info(
        "User %s reported case %s (beneficiary %s, %s)",
        request.user.pk,
        case.pk,
        beneficiary.pk,
        "existing" if duplicates.same_nik else "new",
    )
    receivers = ", ".join(p.full_name for p in _receivers(case))
    message = _("Laporan terkirim sebagai %(case)s dan diteruskan ke Dinas Sosial %(regency)s.") % {
        "case": case,
        "regency": case.regency.name,
    }
    if receivers:
        message += " " + _("TKSK Kec. %(district)s: %(names)s.") % {"district": case.district.name, "names": receivers}
    if duplicates.same_nik is not None:
        message += " " + _("Laporan dicatat untuk penerima manfaat yang sudah terdaftar dengan NIK ini.")
    messages.success(request, message)
    return redirect(_case_url(case))


# --- The case page ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(request.user, Case, pk=pk)
    note_form = forms.NoteForm(request.POST if request.method == "POST" else None, prefix="note")
    if request.method == "POST":
        _refuse_forged_fields(request, note_form)
        if note_form.is_valid():
            try:
                services.add_note(case, user=request.user, text=note_form.cleaned_data["text"])
            except ValidationError as exc:
                _add_model_errors(note_form, exc)
            else:
                messages.success(request, _("Catatan ditambahkan."))
                return redirect(_case_url(case))
    else:
        log_access(request, AccessLog.Action.VIEW, case)
    entries = (
        visible(request.user, CaseEntry)
        .filter(case=case)
        .prefetch_related(Prefetch("photos", queryset=CasePhoto.objects.order_by("pk")))
        .order_by("at", "pk")
    )
    beneficiary = case.beneficiary
    return _page(
        request,
        "volunteer/cases/case_detail.html",
        {
            "case": case,
            "beneficiary": beneficiary,
            "full_identity": scoping.can_see_identity(request.user, beneficiary),
            "other_categories": list(case.other_categories.all()),
            "entries": entries,
            "awaiting": case.assignee_id is None and case.is_open,
            "receivers": _receivers(case) if case.assignee_id is None and case.is_open else [],
            "note_form": note_form,
        },
        section="cases",
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@logged_refusals
def case_visit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(request.user, Case, pk=pk)
    if not case.is_open:
        messages.info(request, _("Kasus ini sudah ditutup; kunjungan tidak dapat dicatat."))
        return redirect(_case_url(case))
    form = forms.VisitForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST":
        _refuse_forged_fields(request, form)
        if form.is_valid():
            try:
                services.log_visit(
                    case,
                    user=request.user,
                    visited_on=form.cleaned_data["visited_on"],
                    text=form.cleaned_data["text"],
                    photos=form.cleaned_data["photos"],
                )
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                messages.success(request, _("Kunjungan dicatat."))
                return redirect(_case_url(case))
    return _page(request, "volunteer/cases/case_visit.html", {"case": case, "form": form}, section="cases")


@login_required
@require_GET
@logged_refusals
def case_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_visible_or_404(request.user, CasePhoto, pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photos.content_type_of(photo.image.name))
    response["Cache-Control"] = "private, max-age=3600"
    return response
