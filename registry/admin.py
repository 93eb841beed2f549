from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from accounts.admin_actions import invite_persons
from pskshub.admin_export import Column, ExportMixin
from pskshub.admin_scoping import RowLabelsInlineFormSet, ScopedModelAdmin, ScopedTabularInline
from pskshub.scoping import visible
from regions.models import District, Regency, regency_code_of
from registry import scoping, services
from registry.forms import (
    ChangeRequestApproveForm,
    ChangeRequestRejectForm,
    InstitutionForm,
    MembershipForm,
    PersonForm,
)
from registry.models import ChangeRequest, Institution, Membership, Person, PsksType, ServiceField, Verification
from registry.nik import clean_nik_input
from transfers.admin_views import ImportAdminMixin
from transfers.schemas import SCHEMAS


class RegencyFilter(admin.SimpleListFilter):
    """Kabupaten/kota, limited to the ones the user administers."""

    title = _("kabupaten/kota")
    parameter_name = "regency"

    def lookups(self, request, model_admin):
        regencies = visible(request.user, Regency)
        if len(regencies) <= 1:
            return []
        return [(r.code, r.name) for r in regencies]

    def has_output(self) -> bool:
        return bool(self.value()) or super().has_output()  # a chosen value is applied even with no list

    def choices(self, changelist):
        """Choosing another kabupaten/kota drops the kecamatan chosen in the previous one."""
        keep_out = [self.parameter_name, DistrictFilter.parameter_name]
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=keep_out),
            "display": _("Semua"),
        }
        for code, name in self.lookup_choices:
            yield {
                "selected": self.value() == str(code),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: code}, [DistrictFilter.parameter_name]
                ),
                "display": name,
            }

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(regency_id=self.value())
        return queryset


class DistrictFilter(admin.SimpleListFilter):
    """Kecamatan of the chosen (or the user's only) kabupaten/kota: a short list, never all 155."""

    title = _("kecamatan")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        districts = visible(request.user, District)
        # The chosen kabupaten/kota, else the one of the chosen kecamatan (e.g. after the regency was cleared).
        regency = request.GET.get(RegencyFilter.parameter_name) or regency_code_of(self.value() or "")
        if regency:
            districts = districts.filter(regency_id=regency)
        elif districts.values("regency_id").distinct().count() > 1:
            return []
        return [(d.code, d.name) for d in districts]

    def has_output(self) -> bool:
        return bool(self.value()) or super().has_output()  # never silently ignore a chosen kecamatan

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(district_id=self.value())
        return queryset


class NikSearchMixin:
    """Search by full NIK (exact, indexed), NIK prefix, or name words; never `icontains` on NIK."""

    nik_lookup = "nik"
    name_lookup = "full_name"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        digits = clean_nik_input(term)
        if digits.isdigit() and len(digits) == 16:
            return queryset.filter(**{self.nik_lookup: digits}), False
        if digits.isdigit() and len(digits) >= 4:
            return queryset.filter(**{f"{self.nik_lookup}__startswith": digits}), False
        if not term:
            return queryset, False
        query = Q()
        for word in term.split():
            query &= Q(**{f"{self.name_lookup}__icontains": word})
        return queryset.filter(query), False


class VerificationActionsMixin:
    actions = ["mark_verified", "mark_rejected"]

    @admin.action(description=_("Verifikasi data terpilih"), permissions=["change"])
    def mark_verified(self, request, queryset: QuerySet) -> None:
        count = services.records_verify(records=queryset, acting_user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d data diverifikasi.", "%(count)d data diverifikasi.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Tolak verifikasi data terpilih"), permissions=["change"])
    def mark_rejected(self, request, queryset: QuerySet) -> None:
        count = services.records_verify(records=queryset, acting_user=request.user, verification=Verification.REJECTED)
        self.message_user(
            request,
            ngettext("%(count)d data ditolak.", "%(count)d data ditolak.", count) % {"count": count},
            messages.WARNING,
        )


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """History values as people read them: choice labels, dd-mm-yyyy dates, "ya"/"tidak", "—" for empty."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return readable_value(field, value)


def readable_value(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    return str(value)


class RecordAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    """Persons, memberships, institutions: no lost updates, and a history visible from each record.

    - Every save goes through `services.record_save` (row lock, version check, version bump,
      history naming the officer); the forms carry the version they were opened at, and a save
      based on an older one is refused with what changed meanwhile, for inline rows as well.
    - The history pages (simple_history) start from the scoped queryset: a record out of the
      user's scope is a 404; a deleted record's history is shown to the staff of its regency.
      Reverting from a historical version is disabled: a correction is a normal, recorded save.
    """

    object_history_list_template = "admin/registry/object_history_list.html"
    deleted_list_template = "admin/registry/deleted_list.html"
    history_list_per_page = 50

    # --- saving -----------------------------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleRecord as exc:
            # Another save slipped in between the form's check and the locked save: nothing was saved.
            self.message_user(request, exc.message(), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change) -> None:
        expected = form.cleaned_data.get("expected_version") if change else None
        services.record_save(record=obj, acting_user=request.user, expected_version=expected, clean=False)

    def delete_model(self, request, obj) -> None:
        services.record_delete(record=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            services.record_delete(record=obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        if not issubclass(formset.model, (Person, Membership, Institution)):
            super().save_formset(request, form, formset, change)
            return
        rows = {id(row.instance): row for row in formset.forms}
        saved = formset.save(commit=False)  # new and changed rows; deleted ones are left to us
        for obj in formset.deleted_objects:
            services.record_delete(
                record=obj,
                acting_user=request.user,
                expected_version=rows[id(obj)].cleaned_data.get("expected_version"),
            )
        for obj in saved:
            expected = rows[id(obj)].cleaned_data.get("expected_version") if obj.pk is not None else None
            services.record_save(record=obj, acting_user=request.user, expected_version=expected, clean=False)
        formset.save_m2m()

    # --- history -------------------------------------------------------------------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_deleted"
        deleted = path("terhapus/", self.admin_site.admin_view(self.deleted_view), name=name)
        return [deleted, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted", current_app=self.admin_site.name)
        return super().changelist_view(request, {"deleted_records_url": url, **(extra_context or {})})

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_view(self, request, object_id, extra_context=None):
        self.check_history_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])  # reverting is disabled: history is read-only
        self.check_history_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def check_history_scope(self, request, object_id) -> None:
        """A record in scope, or a deleted one last seen in a regency the user administers; else 404."""
        lookup = {self.opts.pk.attname: unquote(object_id)}
        try:
            if self.get_queryset(request).filter(**lookup).exists():
                return
            if self.model._default_manager.filter(**lookup).exists():
                raise Http404  # exists, out of scope: the same answer as a missing record
            last = self.model.history.filter(**lookup).order_by("-history_date", "-history_id").first()
        except (ValueError, ValidationError):
            raise Http404 from None
        if last is None or not scoping.can_write_regency(request.user, last.regency_id):
            raise Http404

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True) -> None:
        """Each entry's changes against the one before it (the page is newest first).

        simple_history diffs many-to-many fields with two queries per entry; here they are read
        once for the page. The record's creation has nothing to diff against: it shows the
        values the record was created with.
        """
        records = list(historical_records)
        if not records:
            return
        m2m_fields = records[0]._history_m2m_fields
        m2m_values = self.history_m2m_values(records)
        newer = None
        for older in [*records, None]:
            if newer is not None and older is not None:
                delta = newer.diff_against(
                    older, excluded_fields=[f.name for f in m2m_fields], foreign_keys_are_objs=foreign_keys_are_objs
                )
                changes = self.get_historical_record_context_helper(request, newer).context_for_delta_changes(delta)
                for field in m2m_fields:
                    before = m2m_values[field.name].get(older.history_id, [])
                    after = m2m_values[field.name].get(newer.history_id, [])
                    if before != after:
                        label = capfirst(field.verbose_name)
                        changes.append(
                            {"field": label, "old": ", ".join(before) or "—", "new": ", ".join(after) or "—"}
                        )
                newer.history_delta_changes = changes
            elif newer is not None and newer.history_type == "+":
                newer.history_delta_changes = self.initial_values(newer)
            newer = older

    def history_m2m_values(self, records: list) -> dict[str, dict[int, list[str]]]:
        """{m2m field: {history_id: sorted labels}} for the given history entries, one query per field."""
        values: dict[str, dict[int, list[str]]] = {}
        for field in records[0]._history_m2m_fields:
            through = getattr(records[0], field.name).model
            target = get_m2m_reverse_field_name(field)
            rows = through._default_manager.filter(history__in=[r.history_id for r in records]).select_related(target)
            by_record: dict[int, list[str]] = {}
            for row in rows:
                by_record.setdefault(row.history_id, []).append(str(getattr(row, target)))
            values[field.name] = {key: sorted(labels) for key, labels in by_record.items()}
        return values

    def initial_values(self, record) -> list[dict]:
        rows = []
        for field in record.tracked_fields:
            if not field.editable or field.many_to_many:
                continue
            try:
                value = getattr(record, field.name) if field.is_relation else getattr(record, field.attname)
            except ObjectDoesNotExist:  # a related row deleted since
                value = getattr(record, field.attname)
            if value is None or value == "":
                continue
            label = capfirst(self.model._meta.get_field(field.name).verbose_name)
            rows.append({"field": label, "old": "—", "new": readable_value(field, value)})
        return rows

    def deleted_view(self, request):
        """Records of the user's regencies that were deleted, each linking to its history."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        regencies = visible(request.user, Regency).values("code")
        deleted = (
            self.model.history.filter(history_type="-", regency_id__in=regencies)
            .select_related("history_user", "regency")
            .order_by("-history_date", "-history_id")
        )
        page = Paginator(deleted, self.history_list_per_page).get_page(request.GET.get("p"))
        records = list(page.object_list)
        rows = list(zip(records, self.deleted_labels(records), strict=True))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("%(name)s yang dihapus") % {"name": capfirst(self.opts.verbose_name_plural)},
            "opts": self.opts,
            "page": page,
            "rows": rows,
        }
        return TemplateResponse(request, self.deleted_list_template, context)

    def deleted_labels(self, records: list) -> list[str]:
        return [str(record.instance) for record in records]


class MembershipInlineFormSet(RowLabelsInlineFormSet):
    """Rules across the rows of one save: each row alone passes, two rows together may not."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            # A row's own errors are ignored once it is marked for deletion, but deleting a row
            # someone changed meanwhile is a lost update too.
            if self.can_delete and self._should_delete_form(form) and form.has_error(NON_FIELD_ERRORS, "stale"):
                raise ValidationError(form.non_field_errors())
        slots: set[tuple] = set()
        tksk_districts: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("status") != Membership.Status.ACTIVE:
                continue
            psks_type = data.get("psks_type")
            if psks_type is None:
                continue
            person = data.get("person") or (self.instance if self.fk.name == "person" else None)
            institution = data.get("institution") or (self.instance if self.fk.name == "institution" else None)
            person_key = (person.pk or id(person)) if person is not None else None
            slot = (person_key, psks_type.pk, getattr(institution, "pk", None))
            if slot in slots:
                form.add_error(
                    "psks_type",
                    _("Keanggotaan %(type)s aktif yang sama tercantum dua kali.") % {"type": psks_type.abbreviation},
                )
            slots.add(slot)
            district = data.get("district")
            if psks_type.one_per_district and district is not None:
                if district.pk in tksk_districts:
                    form.add_error(
                        "district",
                        _("Kecamatan %(district)s tercantum untuk dua %(type)s aktif.")
                        % {"district": district.name, "type": psks_type.abbreviation},
                    )
                tksk_districts.add(district.pk)


class MembershipInlineForPerson(ScopedTabularInline):
    model = Membership
    form = MembershipForm
    formset = MembershipInlineFormSet
    fk_name = "person"
    extra = 0
    fields = [
        "psks_type",
        "institution",
        "position",
        "district",
        "regency",
        "membership_number",
        "decree_number",
        "decree_date",
        "start_date",
        "end_date",
        "status",
        "verification",
        "expected_version",
    ]
    autocomplete_fields = ["institution", "district", "regency"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("psks_type", "institution", "district", "regency")


class MembershipInlineForInstitution(MembershipInlineForPerson):
    fk_name = "institution"
    fields = [
        "person",
        "psks_type",
        "position",
        "membership_number",
        "decree_number",
        "start_date",
        "end_date",
        "status",
        "verification",
        "expected_version",
    ]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Person)
class PersonAdmin(ImportAdminMixin, ExportMixin, VerificationActionsMixin, NikSearchMixin, RecordAdmin):
    form = PersonForm
    export_table = SCHEMAS["person"]  # the import template's format: an export imports back unchanged
    actions = [*VerificationActionsMixin.actions, invite_persons]
    list_display = [
        "masked_nik",
        "full_name",
        "sex",
        "psks_types",
        "village",
        "district",
        "regency",
        "status",
        "verification",
    ]
    list_display_links = ["masked_nik", "full_name"]
    list_filter = [
        "memberships__psks_type",
        RegencyFilter,
        DistrictFilter,
        "status",
        "verification",
        "sex",
    ]
    search_fields = ["full_name", "nik"]
    search_help_text = _("Cari dengan NIK lengkap, awal NIK (min. 4 digit), atau nama.")
    list_select_related = ["village", "district", "regency"]
    autocomplete_fields = ["village"]
    inlines = [MembershipInlineForPerson]
    readonly_fields = [
        "district",
        "regency",
        "verified_by",
        "verified_at",
        "created_at",
        "updated_at",
        "events_attended",
    ]
    fieldsets = [
        (_("Identitas"), {"fields": ["nik", "full_name", "sex", "birth_place", "birth_date", "education"]}),
        (_("Domisili dan kontak"), {"fields": ["village", "district", "regency", "address", "phone", "email"]}),
        (_("Status"), {"fields": ["status", "status_date", "status_reason", "notes"]}),
        (_("Verifikasi"), {"fields": ["verification", "verified_by", "verified_at", "created_at", "updated_at"]}),
        (None, {"fields": ["confirm_warnings", "expected_version"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [*self.fieldsets, (_("Kegiatan dan pelatihan yang diikuti"), {"fields": ["events_attended"]})]

    @admin.display(description=_("kegiatan"))
    def events_attended(self, obj: Person) -> str:
        """The person's events and trainings (one query), newest first: part of a record the officer may see."""
        from forums.queries import events_of

        rows = events_of(obj)
        items = [
            format_html(
                "<li>{} — {} ({}){}</li>",
                p.event.start_date.strftime("%d-%m-%Y"),
                p.event.title,
                p.event.get_kind_display(),
                _(", hadir") if p.attended else _(", tidak hadir"),
            )
            for p in rows
        ]
        return format_html("<ul>{}</ul>", mark_safe("".join(items))) if items else _("Belum ada kegiatan.")

    def get_queryset(self, request):
        active_types = Membership.objects.filter(status=Membership.Status.ACTIVE).only("person_id", "psks_type_id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=active_types, to_attr="active_memberships"))
        )

    @admin.display(description=_("NIK"), ordering="nik")
    def masked_nik(self, obj: Person) -> str:
        return obj.masked_nik

    @admin.display(description=_("jenis PSKS aktif"))
    def psks_types(self, obj: Person) -> str:
        return ", ".join(sorted({m.psks_type_id for m in obj.active_memberships})) or "—"


@admin.register(Institution)
class InstitutionAdmin(ImportAdminMixin, ExportMixin, VerificationActionsMixin, RecordAdmin):
    form = InstitutionForm
    export_table = SCHEMAS["institution"]  # the import template's format: an export imports back unchanged
    list_display = [
        "name",
        "psks_type",
        "village",
        "district",
        "regency",
        "registration_number",
        "accreditation",
        "status",
        "verification",
    ]
    list_filter = ["psks_type", RegencyFilter, DistrictFilter, "accreditation", "status", "verification"]
    list_select_related = ["psks_type", "village", "district", "regency"]
    search_fields = ["name", "registration_number"]
    search_help_text = _("Cari dengan nama lembaga atau nomor tanda daftar.")
    autocomplete_fields = ["village", "chair"]
    inlines = [MembershipInlineForInstitution]
    readonly_fields = ["district", "regency", "verified_by", "verified_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["psks_type", "name", "chair", "service_fields"]}),
        (_("Alamat dan kontak"), {"fields": ["village", "district", "regency", "address", "phone", "email"]}),
        (
            _("Legalitas"),
            {
                "fields": [
                    "registration_number",
                    "registration_date",
                    "registration_valid_until",
                    "legal_entity",
                    "legal_entity_number",
                ]
            },
        ),
        (_("Akreditasi"), {"fields": ["accreditation", "accreditation_date", "accreditation_valid_until"]}),
        (_("Status"), {"fields": ["status", "notes"]}),
        (_("Verifikasi"), {"fields": ["verification", "verified_by", "verified_at", "created_at", "updated_at"]}),
        (None, {"fields": ["expected_version"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "service_fields":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(ExportMixin, VerificationActionsMixin, NikSearchMixin, RecordAdmin):
    form = MembershipForm
    # The import template's person columns then membership columns (transfers.schemas, same headers and
    # order), one row per membership, and the unit and verification after them (ignored by the import).
    export_columns = [
        Column(_("NIK"), "person.nik", sensitive=True),
        Column(_("Nama lengkap"), "person.full_name"),
        Column(_("Jenis kelamin"), "person.sex"),
        Column(_("Tempat lahir"), "person.birth_place"),
        Column(_("Tanggal lahir"), "person.birth_date"),
        Column(_("Alamat"), "person.address"),
        Column(_("Kode desa/kelurahan"), "person.village_id"),
        Column(_("Desa/kelurahan"), "person.village.name"),
        Column(_("Kecamatan"), "person.district.name"),
        Column(_("Kabupaten/kota"), "person.regency.name"),
        Column(_("Nomor HP"), "person.phone"),
        Column(_("Email"), "person.email"),
        Column(_("Pendidikan terakhir"), lambda m: m.person.get_education_display() if m.person.education else ""),
        Column(_("Status relawan"), "person.get_status_display"),
        Column(_("Tanggal status"), "person.status_date"),
        Column(_("Alasan status"), "person.status_reason"),
        Column(_("Catatan"), "person.notes"),
        Column(_("Jenis PSKS"), "psks_type_id"),
        Column(_("Jabatan"), "position"),
        Column(_("Kecamatan tugas"), "district.name"),
        Column(
            _("Kabupaten/kota tugas"),
            lambda m: (
                m.regency.name if m.psks_type.area_level == PsksType.AreaLevel.REGENCY and not m.district_id else ""
            ),
        ),
        Column(_("Nomor anggota"), "membership_number"),
        Column(_("Nomor SK"), "decree_number"),
        Column(_("Tanggal SK"), "decree_date"),
        Column(_("Penerbit SK"), "decree_issuer"),
        Column(_("Tanggal mulai"), "start_date"),
        Column(_("Tanggal selesai"), "end_date"),
        Column(_("Status keanggotaan"), "get_status_display"),
        Column(_("Lembaga/unit"), "institution.name"),
        Column(_("Verifikasi"), "get_verification_display"),
    ]
    export_prepare = staticmethod(
        lambda qs: qs.select_related("person__village", "person__district", "person__regency", "psks_type")
    )
    nik_lookup = "person__nik"
    name_lookup = "person__full_name"
    list_display = [
        "person",
        "masked_nik",
        "psks_type",
        "institution",
        "district",
        "regency",
        "membership_number",
        "start_date",
        "end_date",
        "status",
        "verification",
    ]
    list_filter = ["psks_type", RegencyFilter, DistrictFilter, "status", "verification"]
    list_select_related = ["person", "psks_type", "institution", "district", "regency"]
    search_fields = ["person__full_name", "person__nik"]
    search_help_text = _("Cari dengan NIK lengkap, awal NIK (min. 4 digit), atau nama relawan.")
    autocomplete_fields = ["person", "institution", "district", "regency"]
    readonly_fields = ["verified_by", "verified_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["person", "psks_type", "institution", "position"]}),
        (_("Wilayah tugas"), {"fields": ["district", "regency"]}),
        (
            _("SK dan nomor anggota"),
            {"fields": ["decree_number", "decree_date", "decree_issuer", "membership_number"]},
        ),
        (_("Masa tugas"), {"fields": ["start_date", "end_date", "status", "status_reason"]}),
        (_("Verifikasi"), {"fields": ["verification", "verified_by", "verified_at", "created_at", "updated_at"]}),
        (None, {"fields": ["expected_version"]}),
    ]

    @admin.display(description=_("NIK"), ordering="person__nik")
    def masked_nik(self, obj: Membership) -> str:
        return obj.person.masked_nik

    def deleted_labels(self, records: list) -> list[str]:
        """Each as "name — type"; the names read in one query from the persons' history (they may be deleted too)."""
        latest_names = Person.history.filter(id__in={r.person_id for r in records}).order_by("id", "history_date")
        names = dict(latest_names.values_list("id", "full_name"))
        return [f"{names.get(r.person_id, r.person_id)} — {r.psks_type_id}" for r in records]


class ReferenceDataAdmin(ScopedModelAdmin):
    """Reference data is loaded by migration; staff read it, only superusers correct it."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PsksType)
class PsksTypeAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "abbreviation", "kind", "unit", "area_level", "legal_basis"]
    list_filter = ["kind", "unit"]
    search_fields = ["code", "name", "abbreviation"]


@admin.register(ServiceField)
class ServiceFieldAdmin(ReferenceDataAdmin):
    list_display = ["code", "name"]
    search_fields = ["name"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ScopedModelAdmin):
    """Requests to change official data, decided by the staff of the record's regency.

    Requests are filed on the volunteer site and never deleted; the change page shows the
    field-by-field difference and, while pending, the approve and reject forms (POST to the
    same page). Approving a request whose record changed meanwhile needs a confirmation given
    after seeing what changed.
    """

    list_display = ["person", "target_kind", "changed_fields", "requested_by", "created_at", "status"]
    list_filter = ["status", RegencyFilter]
    list_select_related = ["person", "membership__psks_type", "regency", "requested_by"]
    search_fields = ["person__full_name"]
    search_help_text = _("Cari dengan nama relawan.")
    ordering = [Case(When(status=ChangeRequest.Status.PENDING, then=Value(0)), default=Value(1)), "-created_at"]
    actions = None
    decide_template = "admin/registry/changerequest/decide.html"

    def has_add_permission(self, request) -> bool:
        return False  # filed by volunteers and coordinators on the volunteer site

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a decision stays on record

    def has_change_permission(self, request, obj=None) -> bool:
        """Deciding: the change permission and a staff scope covering the request's regency."""
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or scoping.can_write_regency(request.user, obj.regency_id)

    @admin.display(description=_("yang diubah"))
    def target_kind(self, obj: ChangeRequest) -> str:
        if obj.membership_id:
            return gettext("Keanggotaan %(type)s") % {"type": obj.membership.psks_type.abbreviation}
        return gettext("Data relawan")

    @admin.display(description=_("kolom"))
    def changed_fields(self, obj: ChangeRequest) -> str:
        return ", ".join(obj.field_label(name) for name in obj.changes)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        change_request = self.get_object(request, unquote(object_id))
        if change_request is None:
            raise Http404
        if not self.has_view_or_change_permission(request, change_request):
            raise PermissionDenied
        may_decide = self.has_change_permission(request, change_request)
        approve_form, reject_form = ChangeRequestApproveForm(), ChangeRequestRejectForm()
        error, stale = "", None

        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            decision = request.POST.get("decision")
            try:
                if decision == "approve":
                    approve_form = ChangeRequestApproveForm(request.POST)
                    if approve_form.is_valid():
                        services.change_request_approve(
                            change_request=change_request,
                            acting_user=request.user,
                            confirm_stale=approve_form.cleaned_data["confirm_stale"],
                            reviewed_version=approve_form.cleaned_data["reviewed_version"],
                        )
                        return self.decided(request, change_request, gettext("Permintaan perubahan disetujui."))
                elif decision == "reject":
                    reject_form = ChangeRequestRejectForm(request.POST)
                    if reject_form.is_valid():
                        services.change_request_reject(
                            change_request=change_request,
                            acting_user=request.user,
                            reason=reject_form.cleaned_data["reason"],
                        )
                        return self.decided(request, change_request, gettext("Permintaan perubahan ditolak."))
                else:
                    error = gettext("Pilih Setujui atau Tolak.")
            except services.ChangeRequestError as exc:
                error, stale = exc.message, exc.changes
                change_request.refresh_from_db()

        target = change_request.target
        if change_request.status == ChangeRequest.Status.PENDING:
            if request.method == "POST":
                target.refresh_from_db(fields=["version"])
            if stale is None and target.version != change_request.base_version:
                stale = services.changes_since(target, change_request.base_version)
            # The confirmation box (shown with the changes) covers the version on this page only.
            approve_form = ChangeRequestApproveForm(initial={"reviewed_version": target.version})

        context = {
            **self.admin_site.each_context(request),
            "title": str(change_request),
            "subtitle": None,
            "opts": self.opts,
            "original": change_request,
            "change_request": change_request,
            "rows": services.change_request_rows(change_request),
            "target_kind": self.target_kind(change_request),
            "pending": change_request.status == ChangeRequest.Status.PENDING,
            "may_decide": may_decide,
            "approve_form": approve_form,
            "reject_form": reject_form,
            "error": error,
            "stale": stale,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.decide_template, context)

    def decided(self, request, change_request: ChangeRequest, message: str) -> HttpResponseRedirect:
        self.log_change(request, change_request, message)
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:registry_changerequest_changelist"))
