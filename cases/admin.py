"""Cases in the staff admin: the case list and page (workflow, timeline, assignment, referrals), beneficiaries
(duplicates, merge, double aid), the double-aid list, programmes and PMKS categories.

Every door starts from `cases.scoping` (through `ScopedModelAdmin`): a record out of scope is a 404. Every write
goes through `cases.services`. NIK and No. KK are masked everywhere unless the user is entitled
(`scoping.can_see_identity`) and asks; each opening of a beneficiary's record and each reveal is logged.
Lists are built for a million rows (`cases.admin_search`).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import staff_scope
from audit.models import AccessLog
from audit.services import log_access
from cases import scoping, services
from cases.admin_filters import (
    AgeFilter,
    AssigneeFilter,
    BeneficiaryCategoryFilter,
    DecileFilter,
    DistrictFilter,
    DoubleAidFilter,
    RegencyFilter,
)
from cases.admin_forms import (
    AssignForm,
    BeneficiaryAdminForm,
    BulkAssignForm,
    BulkTransitionForm,
    DetailsForm,
    InterventionForm,
    MergeForm,
    NoteForm,
    TransitionForm,
)
from cases.admin_search import REVEAL_VAR, LargeListMixin
from cases.models import Beneficiary, Case, CaseEntry, Intervention, PmksCategory, Programme
from pskshub.admin_export import Column, ExportMixin
from pskshub.admin_scoping import ScopedModelAdmin
from registry.nik import mask_nik
from transfers.admin_views import ImportAdminMixin
from transfers.schemas import SCHEMAS

BULK_MAX = 500  # cases changed by one bulk action: each is its own locked write and timeline entry


def _messages_of(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


class IdentityRevealMixin:
    """`?_nik=1` on a list: full NIK/No. KK on the rows whose regency the user administers, logged as a reveal."""

    identity_scope_field = "regency_id"

    def wants_identity(self, request) -> bool:
        return getattr(request, "identity_revealed", False)

    def changelist_view(self, request, extra_context=None):
        asked = request.GET.get(REVEAL_VAR) == "1"
        if REVEAL_VAR in request.GET:
            params = request.GET.copy()
            del params[REVEAL_VAR]
            request.GET = params  # the changelist would refuse a parameter it does not know
        entitled = not staff_scope(request.user).is_empty
        request.identity_revealed = asked and entitled
        if request.identity_revealed and request.method == "GET":
            log_access(
                request,
                AccessLog.Action.REVEAL,
                model=self.model,
                detail=gettext("daftar: %(query)s") % {"query": request.GET.urlencode() or "-"},
            )
        params = request.GET.copy()
        if asked:
            params.pop(REVEAL_VAR, None)
        else:
            params[REVEAL_VAR] = "1"
        context = {
            "identity_revealed": request.identity_revealed,
            "identity_entitled": entitled,
            "identity_toggle_url": f"?{params.urlencode()}",
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not self.wants_identity(request):
            return qs
        scope = staff_scope(request.user)
        if scope.everywhere:
            shown = Value(True)
        elif scope.regency_codes:
            shown = ExpressionWrapper(
                Q(**{f"{self.identity_scope_field}__in": sorted(scope.regency_codes)}), output_field=BooleanField()
            )
        else:
            shown = Value(False)
        return qs.annotate(identity_shown=shown)

    @staticmethod
    def identity(obj, value: str | None) -> str:
        if not value:
            return "—"
        return value if getattr(obj, "identity_shown", False) else mask_nik(value)


def case_age_days(case: Case) -> int:
    """Days since the case was reported: until today while open, until it was closed or rejected after."""
    end = case.closed_at if case.closed_at and not case.is_open else timezone.now()
    return max((end - case.opened_at).days, 0)


# --- Cases -------------------------------------------------------------------------------------------------------------


class CaseAddForm(forms.ModelForm):
    """A case reported by staff: the beneficiary (already registered) and what was found."""

    user = None

    class Meta:
        model = Case
        fields = ["beneficiary", "category", "other_categories", "source", "priority", "description", "reporter_name"]
        widgets = {"other_categories": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        beneficiary = cleaned.get("beneficiary")
        if beneficiary is not None and not scoping.can_report_in(self.user, beneficiary.regency_id):
            self.add_error(
                "beneficiary",
                gettext("Anda tidak dapat melaporkan kasus di %(region)s: wilayah itu di luar wilayah tugas Anda.")
                % {"region": beneficiary.regency},
            )
        return cleaned


@admin.register(Case)
class CaseAdmin(ExportMixin, IdentityRevealMixin, LargeListMixin, ScopedModelAdmin):
    via_beneficiary = True
    name_path = "beneficiary__name_key"
    list_display = [
        "number",
        "opened_at",
        "beneficiary_name",
        "beneficiary_nik",
        "category",
        "status",
        "priority",
        "district",
        "assignee",
        "age_days",
    ]
    list_display_links = ["number", "beneficiary_name"]
    list_filter = ["category", "status", RegencyFilter, DistrictFilter, AssigneeFilter, AgeFilter]
    list_select_related = ()  # relations come per page through FETCH_PEERS (cases.scoping): no join to plan
    search_fields = ["beneficiary__name_key"]  # shows the box; the search itself is `get_search_results`
    search_help_text = _("Cari dengan NIK atau No. KK lengkap (16 digit), atau nama penerima (min. 3 huruf).")
    change_list_template = "admin/cases/change_list.html"
    actions = ["bulk_assign", "bulk_transition"]
    autocomplete_fields = ["beneficiary"]
    form = CaseAddForm
    detail_template = "admin/cases/case/detail.html"
    export_filename = "kasus"
    export_columns = [
        Column(_("no."), "pk"),
        Column(_("dilaporkan"), "opened_at"),
        Column(_("nama penerima"), "beneficiary.full_name"),
        Column("NIK", "beneficiary.nik", sensitive=True),
        Column("No. KK", "beneficiary.kk_number", sensitive=True),
        Column(_("jenis PMKS"), "category.name"),
        Column(_("status"), "get_status_display"),
        Column(_("hasil akhir"), "get_outcome_display"),
        Column(_("prioritas"), "get_priority_display"),
        Column(_("desa/kelurahan"), "village.name"),
        Column(_("kecamatan"), "district.name"),
        Column(_("kabupaten/kota"), "regency.name"),
        Column(_("relawan pendamping"), "assignee.full_name"),
        Column(_("umur kasus (hari)"), lambda case: case_age_days(case)),
    ]

    # --- the list ----------------------------------------------------------------------------------------------

    @admin.display(description=_("no."), ordering="pk")
    def number(self, obj: Case) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("penerima manfaat"), ordering="beneficiary__full_name")
    def beneficiary_name(self, obj: Case) -> str:
        return obj.beneficiary.full_name

    @admin.display(description=_("NIK"))
    def beneficiary_nik(self, obj: Case) -> str:
        return self.identity(obj, obj.beneficiary.nik)

    @admin.display(description=_("umur kasus (hari)"))
    def age_days(self, obj: Case) -> int:
        return case_age_days(obj)

    # --- adding: through services.report_case ------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "other_categories":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        case = services.report_case(
            user=request.user,
            beneficiary=data["beneficiary"],
            category=data["category"],
            description=data["description"],
            source=data["source"],
            priority=data["priority"],
            other_categories=data.get("other_categories") or (),
            reporter_name=data.get("reporter_name", ""),
        )
        obj.pk = case.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        """`report_case` already linked the other categories."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a case is rejected or closed, never deleted

    # --- the case page ------------------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        case = self.get_object(request, unquote(object_id))
        if case is None:
            raise Http404
        if not self.has_view_or_change_permission(request, case):
            raise PermissionDenied
        may_manage = self.has_change_permission(request, case) and scoping.can_manage_case(request.user, case)
        forms_ = {
            "transition": TransitionForm(initial={"expected_version": case.version}),
            "note": NoteForm(),
            "assign": AssignForm(case=case, initial={"person": case.assignee_id}) if may_manage else None,
            "intervention": InterventionForm(user=request.user, case=case) if may_manage else None,
            "details": DetailsForm(instance=case, initial={"expected_version": case.version}) if may_manage else None,
        }
        revealed = False
        status = 200
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action == "reveal":
                revealed = scoping.can_see_identity(request.user, case.beneficiary)
                if not revealed:
                    raise PermissionDenied
                log_access(request, AccessLog.Action.REVEAL, case.beneficiary, detail=str(case))
            else:
                if not may_manage:
                    raise PermissionDenied
                response, bound = self.handle_case_action(request, case, action)
                if response is not None:
                    return response
                if bound is not None:
                    forms_[action] = bound
                status = 400
                case.refresh_from_db()
                forms_["transition"] = (
                    forms_["transition"]
                    if action == "transition"
                    else TransitionForm(initial={"expected_version": case.version})
                )
        return TemplateResponse(
            request,
            self.detail_template,
            self.case_context(request, case, forms_, may_manage, revealed, extra_context),
            status=status,
        )

    def handle_case_action(self, request, case: Case, action: str):
        """(redirect after success, None) or (None, the bound form with its errors)."""
        user = request.user
        try:
            if action == "transition":
                form = TransitionForm(request.POST)
                if not form.is_valid():
                    return None, form
                data = form.cleaned_data
                services.transition(
                    case,
                    data["to_status"],
                    user=user,
                    reason=data["reason"],
                    outcome=data["outcome"],
                    note=data["note"],
                    expected_version=data["expected_version"],
                )
                message = gettext("Status kasus diubah menjadi “%(status)s”.") % {
                    "status": Case.Status(data["to_status"]).label
                }
            elif action == "details":
                form = DetailsForm(request.POST, instance=Case.objects.get(pk=case.pk))
                if not form.is_valid():
                    return None, form
                data = form.cleaned_data
                services.update_details(
                    case,
                    user=user,
                    category=data["category"],
                    other_categories=data["other_categories"],
                    priority=data["priority"],
                    description=data["description"],
                    expected_version=data["expected_version"],
                )
                message = gettext("Rincian kasus disimpan.")
            elif action == "note":
                form = NoteForm(request.POST)
                if not form.is_valid():
                    return None, form
                services.add_note(case, user=user, text=form.cleaned_data["text"])
                message = gettext("Catatan ditambahkan.")
            elif action == "assign":
                form = AssignForm(request.POST, case=case)
                if not form.is_valid():
                    return None, form
                person = form.cleaned_data["person"]
                services.assign(case, person, user=user)
                message = (
                    gettext("Kasus ditugaskan kepada %(name)s.") % {"name": person.full_name}
                    if person
                    else gettext("Penugasan dicabut.")
                )
            elif action == "intervention":
                form = InterventionForm(request.POST, user=user, case=case)
                if not form.is_valid():
                    return None, form
                intervention = services.add_intervention(case, user=user, intervention=form.save(commit=False))
                message = gettext("%(what)s dicatat.") % {"what": intervention.get_kind_display().capitalize()}
                doubles = [
                    pair
                    for pair in services.double_aid_for(case.beneficiary)
                    if intervention.pk in (pair[0].pk, pair[1].pk)
                ]
                if doubles:
                    messages.warning(request, self.double_aid_message(doubles))
            else:
                messages.error(request, gettext("Tindakan tidak dikenal."))
                return None, None
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _messages_of(exc))
            return None, form
        messages.success(request, message)
        return HttpResponseRedirect(request.path), None

    @staticmethod
    def double_aid_message(pairs) -> str:
        rows = format_html_join(
            "",
            "<li>{} — {} ({})</li>",
            ((enrolment.programme, other.programme, other.beneficiary.full_name) for enrolment, other in pairs),
        )
        return format_html("{}<ul>{}</ul>", gettext("Bantuan ganda: program ini tidak boleh ganda dengan"), rows)

    def case_context(self, request, case: Case, forms_, may_manage: bool, revealed: bool, extra_context) -> dict:
        beneficiary = case.beneficiary
        entries = (
            CaseEntry.objects.filter(case=case).select_related("author").prefetch_related("photos").order_by("at", "pk")
        )
        interventions = Intervention.objects.filter(case=case).select_related("programme", "institution")
        allowed = [(s, Case.Status(s).label) for s in services.allowed_transitions(case)] if may_manage else []
        return {
            **self.admin_site.each_context(request),
            "title": str(case),
            "subtitle": None,
            "opts": self.opts,
            "original": case,
            "case": case,
            "beneficiary": beneficiary,
            "beneficiary_nik": (beneficiary.nik if revealed else beneficiary.masked_nik) or "—",
            "beneficiary_kk": (beneficiary.kk_number if revealed else beneficiary.masked_kk) or "—",
            "revealed": revealed,
            "may_reveal": scoping.can_see_identity(request.user, beneficiary) and not revealed,
            "may_manage": may_manage,
            "age_days": self.age_days(case),
            "entries": entries,
            "interventions": interventions,
            "double_aid": services.double_aid_for(beneficiary),
            "allowed_transitions": allowed,
            "forms": forms_,
            "has_view_permission": True,
            **(extra_context or {}),
        }

    # --- bulk actions -------------------------------------------------------------------------------------------

    def _selected(self, request, queryset) -> list[Case] | None:
        cases = list(queryset.order_by("pk")[: BULK_MAX + 1])
        if len(cases) > BULK_MAX:
            self.message_user(
                request,
                gettext("Terlalu banyak kasus dipilih (lebih dari %(max)d). Persempit dengan saringan dulu.")
                % {"max": BULK_MAX},
                messages.ERROR,
            )
            return None
        return cases

    def _report(self, request, result: services.BulkResult, done_message: str) -> None:
        if result.done:
            self.message_user(request, done_message % {"count": result.done}, messages.SUCCESS)
        if result.refused:
            rows = format_html_join(
                "",
                "<li>{} {} — {}</li>",
                ((str(case), case.beneficiary.full_name, why) for case, why in result.refused),
            )
            self.message_user(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    ngettext("%(count)d kasus tidak diubah:", "%(count)d kasus tidak diubah:", len(result.refused))
                    % {"count": len(result.refused)},
                    rows,
                ),
                messages.WARNING,
            )

    def _intermediate(self, request, cases, form, title: str, action: str, template: str):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "cases": cases,
            "form": form,
            "action_name": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, template, context)

    @admin.action(description=_("Tugaskan kasus terpilih ke relawan…"), permissions=["change"])
    def bulk_assign(self, request, queryset):
        cases = self._selected(request, queryset)
        if cases is None:
            return None
        regencies = {c.regency_id for c in cases if scoping.can_manage_case(request.user, c)}
        form = BulkAssignForm(request.POST if "apply" in request.POST else None, regencies=regencies)
        if "apply" in request.POST and form.is_valid():
            result = services.bulk_assign(cases, form.cleaned_data["person"], user=request.user)
            self._report(request, result, gettext("%(count)d kasus ditugaskan; masing-masing tercatat di riwayatnya."))
            return None
        return self._intermediate(
            request,
            cases,
            form,
            gettext("Tugaskan kasus ke relawan"),
            "bulk_assign",
            "admin/cases/case/bulk_action.html",
        )

    @admin.action(description=_("Ubah status kasus terpilih…"), permissions=["change"])
    def bulk_transition(self, request, queryset):
        cases = self._selected(request, queryset)
        if cases is None:
            return None
        form = BulkTransitionForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            result = services.bulk_transition(
                cases, data["to_status"], user=request.user, reason=data["reason"], outcome=data["outcome"]
            )
            self._report(
                request, result, gettext("%(count)d kasus diubah statusnya; masing-masing tercatat di riwayatnya.")
            )
            return None
        return self._intermediate(
            request, cases, form, gettext("Ubah status kasus"), "bulk_transition", "admin/cases/case/bulk_action.html"
        )


# --- Beneficiaries -----------------------------------------------------------------------------------------------------


@admin.register(Beneficiary)
class BeneficiaryAdmin(ImportAdminMixin, ExportMixin, IdentityRevealMixin, LargeListMixin, ScopedModelAdmin):
    form = BeneficiaryAdminForm
    list_display = [
        "full_name",
        "masked_nik_column",
        "masked_kk_column",
        "sex",
        "age",
        "village",
        "district",
        "regency",
        "dtks_status",
        "decile",
    ]
    list_filter = [
        BeneficiaryCategoryFilter,
        RegencyFilter,
        DistrictFilter,
        "dtks_status",
        DecileFilter,
        "disability",
    ]
    list_select_related = ()  # as for cases
    search_fields = ["name_key"]
    search_help_text = _("Cari dengan NIK atau No. KK lengkap (16 digit), atau nama (min. 3 huruf).")
    change_list_template = "admin/cases/change_list.html"
    change_form_template = "admin/cases/beneficiary/change_form.html"
    export_filename = "penerima-manfaat"
    export_table = SCHEMAS["beneficiary"]  # the import template's format: an export imports back unchanged
    autocomplete_fields = ["village"]
    actions = ["merge_two"]
    readonly_fields = ["district", "regency", "masked_identity", "double_aid_flag"]
    IDENTITY_SECTION = (_("Identitas"), {"fields": ["nik", "kk_number"]})
    MASKED_SECTION = (_("Identitas"), {"fields": ["masked_identity"]})

    def get_fieldsets(self, request, obj=None):
        person = [
            "full_name",
            "sex",
            ("birth_date", "estimated_age"),
            "birth_date_estimated",
            "village",
            "location_description",
            "categories",
        ]
        if obj is not None:
            person[4:5] = ["village", "district", "regency"]
        household = [
            "dtks_status",
            ("decile", "decile_as_of", "decile_source"),
            "house",
            "electricity",
            "toilet",
            "clean_water",
            "disability",
            "notes",
        ]
        identity = self.IDENTITY_SECTION if obj is None or self.identity_editable(request, obj) else self.MASKED_SECTION
        sets = [identity, (_("Data diri"), {"fields": person}), (_("Kondisi keluarga"), {"fields": household})]
        if obj is not None:
            sets.append((_("Bantuan ganda"), {"fields": ["double_aid_flag"]}))
        sets.append((None, {"fields": ["confirm_similar", "expected_version"]}))
        return sets

    def identity_editable(self, request, obj) -> bool:
        return request.GET.get(REVEAL_VAR) == "1" and scoping.can_see_identity(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("NIK"))
    def masked_nik_column(self, obj: Beneficiary) -> str:
        return self.identity(obj, obj.nik)

    @admin.display(description=_("No. KK"))
    def masked_kk_column(self, obj: Beneficiary) -> str:
        return self.identity(obj, obj.kk_number)

    @admin.display(description=_("umur"))
    def age(self, obj: Beneficiary) -> str:
        if obj.age is None:
            return "—"
        return f"±{obj.age}" if obj.birth_date_estimated else str(obj.age)

    @admin.display(description=_("NIK / No. KK"))
    def masked_identity(self, obj: Beneficiary) -> str:
        return format_html(
            "{} {} · {} {}", gettext("NIK"), obj.masked_nik or "—", gettext("No. KK"), obj.masked_kk or "—"
        )

    @admin.display(description=_("bantuan ganda"))
    def double_aid_flag(self, obj: Beneficiary) -> str:
        pairs = services.double_aid_for(obj)
        if not pairs:
            return gettext("Tidak ada.")
        rows = format_html_join(
            "",
            '<li class="errornote">{} — {} ({})</li>',
            ((enrolment.programme, other.programme, other.beneficiary.full_name) for enrolment, other in pairs),
        )
        return format_html("<ul>{}</ul>", rows)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if request.method == "GET":
            log_access(request, AccessLog.Action.VIEW, obj)
            if self.identity_editable(request, obj):
                log_access(request, AccessLog.Action.REVEAL, obj, detail=gettext("halaman data"))
        cases = (
            scoping.cases_for(request.user)
            .filter(beneficiary=obj)
            .select_related(None)
            .select_related("category")
            .order_by("-opened_at")
        )
        context = {
            "beneficiary_cases": cases,
            "may_reveal": scoping.can_see_identity(request.user, obj) and not self.identity_editable(request, obj),
            "reveal_url": f"?{REVEAL_VAR}=1",
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def save_model(self, request, obj, form, change) -> None:
        expected = form.cleaned_data.get("expected_version") if change else None
        services.save_beneficiary(obj, user=request.user, expected_version=expected)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a duplicate is merged, never deleted

    # --- merging two records ------------------------------------------------------------------------------------

    @admin.action(description=_("Gabungkan dua data ganda…"), permissions=["change"])
    def merge_two(self, request, queryset):
        pair = list(queryset.order_by("pk")[:3])
        if len(pair) != 2:
            self.message_user(request, gettext("Pilih tepat dua penerima manfaat untuk digabung."), messages.ERROR)
            return None
        if not all(scoping.can_see_identity(request.user, b) for b in pair):
            self.message_user(
                request,
                gettext("Penggabungan hanya oleh staf yang membawahi wilayah kedua penerima manfaat."),
                messages.ERROR,
            )
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, pair=pair)
        if "apply" in request.POST and form.is_valid():
            keep, drop = form.keep_and_drop()
            try:
                services.merge_beneficiaries(keep, drop, user=request.user, request=request)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _messages_of(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                gettext("#%(drop)s digabung ke #%(keep)s %(name)s; kasusnya dipindahkan dan tercatat di log.")
                % {"drop": drop.pk, "keep": keep.pk, "name": keep.full_name},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:cases_beneficiary_change", args=[keep.pk]))
        case_counts = dict(
            Case.objects.filter(beneficiary__in=pair).values_list("beneficiary").annotate(n=models.Count("pk"))
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Gabungkan dua data penerima manfaat"),
            "subtitle": None,
            "opts": self.opts,
            "pair": [(b, case_counts.get(b.pk, 0)) for b in pair],
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/cases/beneficiary/merge.html", context)


# --- Double aid, programmes, categories ----------------------------------------------------------------------------


class CaseRegencyFilter(RegencyFilter):
    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(case__regency_id=self.value())
        return queryset


@admin.register(Intervention)
class InterventionAdmin(ScopedModelAdmin):
    """Enrolments and referrals, read here; the list "bantuan ganda" (`?ganda=ya`) is the double-aid list."""

    list_display = ["beneficiary", "kk", "kind", "target", "status", "started_on", "case_link", "regency"]
    list_filter = [DoubleAidFilter, CaseRegencyFilter, "kind", "programme", "status"]
    list_select_related = ["beneficiary", "programme", "institution", "case__regency"]
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case__regency")

    @admin.display(description=_("No. KK"))
    def kk(self, obj: Intervention) -> str:
        return obj.beneficiary.masked_kk or "—"

    @admin.display(description=_("program / lembaga"))
    def target(self, obj: Intervention) -> str:
        return str(obj.programme or obj.institution)

    @admin.display(description=_("kasus"))
    def case_link(self, obj: Intervention) -> str:
        return format_html('<a href="{}">#{}</a>', reverse("admin:cases_case_change", args=[obj.case_id]), obj.case_id)

    @admin.display(description=_("kabupaten/kota"))
    def regency(self, obj: Intervention) -> str:
        return str(obj.case.regency)

    def has_add_permission(self, request) -> bool:
        return False  # recorded on the case's page, with its timeline entry

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(ScopedModelAdmin):
    """Reference data; provincial staff name the programmes each must not double."""

    list_display = ["code", "name", "level", "excluded"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "level", "description", "excludes"]
    filter_horizontal = ["excludes"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("excludes")

    @admin.display(description=_("tidak boleh ganda dengan"))
    def excluded(self, obj: Programme) -> str:
        return ", ".join(p.code for p in obj.excludes.all()) or "—"

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["code", "name", "level", "description"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if request.user.is_superuser:
            obj.save()

    def save_related(self, request, form, formsets, change) -> None:
        services.set_programme_exclusions(form.instance, form.cleaned_data["excludes"], user=request.user)


@admin.register(PmksCategory)
class PmksCategoryAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "abbreviation", "order"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
