"""Forms of the cases admin: the case page's actions, the bulk actions, the beneficiary form, the merge."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import scoping, services
from cases.models import Beneficiary, Case, Intervention, Programme
from pskshub.scoping import visible
from registry.forms import VersionedFormMixin
from registry.models import Institution, Person

PICK_PERSON = _("Pilih relawan dari daftar.")


class TransitionForm(forms.Form):
    """A status change of one case: the target comes from the button pressed; reason/outcome as the step needs."""

    to_status = forms.ChoiceField(choices=Case.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("alasan"),
        required=False,
        max_length=255,
        help_text=_("Wajib untuk menolak dan untuk membuka kembali kasus."),
    )
    outcome = forms.ChoiceField(
        label=_("hasil akhir"),
        required=False,
        choices=[("", _("— pilih bila menutup kasus —")), *Case.Outcome.choices],
    )
    note = forms.CharField(label=_("catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class BulkTransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("status baru"), choices=Case.Status.choices)
    reason = forms.CharField(
        label=_("alasan"),
        required=False,
        max_length=255,
        help_text=_("Wajib untuk menolak dan untuk membuka kembali kasus."),
    )
    outcome = forms.ChoiceField(
        label=_("hasil akhir"),
        required=False,
        choices=[("", _("— pilih bila menutup kasus —")), *Case.Outcome.choices],
    )


class DetailsForm(forms.ModelForm):
    """Correct a case's categories, priority and description, against the version the page was opened at."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ["category", "other_categories", "priority", "description"]
        widgets = {"other_categories": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("catatan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Catatan tidak boleh kosong.")},
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        if getattr(obj, "is_tksk", False):
            return gettext("%(name)s (TKSK kecamatan ini)") % {"name": obj.full_name}
        return obj.full_name


class AssignForm(forms.Form):
    """A volunteer of the case's regency: those suggested for its kecamatan first, then the other active ones."""

    person = PersonChoiceField(
        label=_("relawan pendamping"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— cabut penugasan —"),
        error_messages={"invalid_choice": PICK_PERSON},
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        suggested = services.suggested_assignees(case.district_id, case.regency_id)
        assignable = scoping.assignable_persons(case.regency_id)
        self.fields["person"].queryset = assignable
        suggested_ids = {p.pk for p in suggested}
        others = assignable.exclude(pk__in=suggested_ids).order_by("full_name").only("pk", "full_name")
        field = self.fields["person"]
        choices = [("", field.empty_label)]
        if suggested:
            allowed = set(assignable.filter(pk__in=suggested_ids).values_list("pk", flat=True))
            rows = [(p.pk, field.label_from_instance(p)) for p in suggested if p.pk in allowed]
            if rows:
                choices.append((gettext("Disarankan untuk kecamatan ini"), rows))
        choices.append((gettext("Relawan aktif lain di kabupaten/kota ini"), [(p.pk, p.full_name) for p in others]))
        field.choices = choices


class BulkAssignForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("relawan pendamping"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": PICK_PERSON, "required": PICK_PERSON},
    )

    def __init__(self, *args, regencies: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        qs = Person.objects.none()
        for code in sorted(regencies):
            qs = qs | scoping.assignable_persons(code)
        self.fields["person"].queryset = qs.select_related("regency").order_by("full_name")
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.regency})"


class InterventionForm(forms.ModelForm):
    """An enrolment in a programme or a referral to an institution of the registry the user may see."""

    class Meta:
        model = Intervention
        fields = ["kind", "programme", "institution", "started_on", "status", "outcome"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = visible(user, Programme)
        institutions = visible(user, Institution).filter(status=Institution.Status.ACTIVE)
        self.fields["institution"].queryset = institutions.select_related("regency").order_by("-regency_id", "name")
        self.fields["institution"].label_from_instance = lambda i: f"{i.name} ({i.regency})"
        self.fields["started_on"].initial = timezone.localdate
        self.instance.case = case
        self.instance.beneficiary_id = case.beneficiary_id

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Intervention.Kind.PROGRAMME:
            cleaned["institution"] = None
        elif kind == Intervention.Kind.REFERRAL:
            cleaned["programme"] = None
        return cleaned


# --- Beneficiaries ----------------------------------------------------------------------------------------------------


def _record_link(user, beneficiary: Beneficiary) -> str:
    """The beneficiary's name, linked to its page when the user may open it."""
    label = f"#{beneficiary.pk} {beneficiary.full_name}"
    if visible(user, Beneficiary).filter(pk=beneficiary.pk).exists():
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_beneficiary_change", args=[beneficiary.pk]), label
        )
    return label


class BeneficiaryAdminForm(VersionedFormMixin, forms.ModelForm):
    """Exact NIK blocks (with a link to the record); same name + birth date + village warns until confirmed."""

    estimated_age = forms.IntegerField(
        label=_("perkiraan umur (tahun)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Bila tanggal lahir tidak diketahui: tanggal lahir diisi 1 Juli tahun perkiraannya."),
    )
    confirm_similar = forms.BooleanField(
        label=_("Saya sudah memeriksa data yang mirip; tetap simpan."),
        required=False,
    )

    user = None  # set by the admin's get_form

    class Meta:
        model = Beneficiary
        fields = [
            "nik",
            "kk_number",
            "full_name",
            "sex",
            "birth_date",
            "birth_date_estimated",
            "village",
            "location_description",
            "dtks_status",
            "decile",
            "decile_as_of",
            "decile_source",
            "house",
            "electricity",
            "toilet",
            "clean_water",
            "disability",
            "categories",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        age = cleaned.get("estimated_age")
        if age is not None and "birth_date" in self.fields:
            if cleaned.get("birth_date"):
                self.add_error("estimated_age", gettext("Isi tanggal lahir atau perkiraan umur, tidak keduanya."))
            else:
                cleaned["birth_date"] = Beneficiary.birth_date_from_age(age)
                cleaned["birth_date_estimated"] = True
        if "birth_date_estimated" in cleaned and age is None and "birth_date" in self.changed_data:
            cleaned["birth_date_estimated"] = False
        village = cleaned.get("village") or getattr(self.instance, "village", None)
        nik = cleaned.get("nik") if "nik" in self.fields else None
        duplicates = services.find_duplicates(
            nik=nik or None,
            full_name=cleaned.get("full_name") or "",
            birth_date=cleaned.get("birth_date"),
            village_code=getattr(village, "pk", None),
            exclude_pk=self.instance.pk,
        )
        if duplicates.same_nik is not None:
            self.add_error(
                "nik",
                format_html(
                    "{} {}",
                    gettext("NIK ini sudah terdaftar sebagai penerima manfaat lain:"),
                    _record_link(self.user, duplicates.same_nik),
                ),
            )
        if duplicates.similar and not cleaned.get("confirm_similar"):
            links = format_html_join(", ", "{}", ((_record_link(self.user, b),) for b in duplicates.similar))
            self.add_error(
                "confirm_similar",
                format_html(
                    "{} {}. {}",
                    gettext("Ada penerima manfaat dengan nama, tanggal lahir dan desa yang sama:"),
                    links,
                    gettext("Periksa dulu; bila memang orang yang berbeda, centang kotak ini lalu simpan lagi."),
                ),
            )
        return cleaned


class MergeForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("data yang dipertahankan"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih data yang dipertahankan."),
            "invalid_choice": _("Pilih salah satu dari dua data ini."),
        },
    )

    def __init__(self, *args, pair: list[Beneficiary], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["keep"].choices = [(str(b.pk), f"#{b.pk} {b.full_name}") for b in pair]

    def keep_and_drop(self) -> tuple[Beneficiary, Beneficiary]:
        keep_pk = self.cleaned_data["keep"]
        keep = next(b for b in self.pair if str(b.pk) == keep_pk)
        drop = next(b for b in self.pair if str(b.pk) != keep_pk)
        return keep, drop
