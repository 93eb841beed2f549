from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pskshub.admin_scoping import RowLabelsInlineFormSet, ScopedModelAdmin, ScopedTabularInline
from pskshub.scoping import visible
from regions.models import District, Regency, regency_code_of
from registry import services
from registry.forms import PersonForm
from registry.models import Institution, Membership, Person, PsksType, ServiceField, Verification
from registry.nik import clean_nik_input


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


class MembershipInlineFormSet(RowLabelsInlineFormSet):
    """Rules across the rows of one save: each row alone passes, two rows together may not."""

    def clean(self) -> None:
        super().clean()
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
    ]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Person)
class PersonAdmin(VerificationActionsMixin, NikSearchMixin, ScopedModelAdmin):
    form = PersonForm
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
    readonly_fields = ["district", "regency", "verified_by", "verified_at", "created_at", "updated_at"]
    fieldsets = [
        (_("Identitas"), {"fields": ["nik", "full_name", "sex", "birth_place", "birth_date", "education"]}),
        (_("Domisili dan kontak"), {"fields": ["village", "district", "regency", "address", "phone", "email"]}),
        (_("Status"), {"fields": ["status", "status_date", "status_reason", "notes"]}),
        (_("Verifikasi"), {"fields": ["verification", "verified_by", "verified_at", "created_at", "updated_at"]}),
        (None, {"fields": ["confirm_warnings"]}),
    ]

    def get_queryset(self, request):
        active_types = Membership.objects.filter(status=Membership.Status.ACTIVE).only("person_id", "psks_type_id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=active_types, to_attr="active_memberships"))
        )

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets

    @admin.display(description=_("NIK"), ordering="nik")
    def masked_nik(self, obj: Person) -> str:
        return obj.masked_nik

    @admin.display(description=_("jenis PSKS aktif"))
    def psks_types(self, obj: Person) -> str:
        return ", ".join(sorted({m.psks_type_id for m in obj.active_memberships})) or "—"


@admin.register(Institution)
class InstitutionAdmin(VerificationActionsMixin, ScopedModelAdmin):
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
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "service_fields":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(VerificationActionsMixin, NikSearchMixin, ScopedModelAdmin):
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
    ]

    @admin.display(description=_("NIK"), ordering="person__nik")
    def masked_nik(self, obj: Membership) -> str:
        return obj.person.masked_nik


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
