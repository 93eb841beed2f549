"""Forms of the volunteer site's case pages: report a case, add a note, log a visit.

Each names exactly the fields it accepts. The village choice is limited to where the user may
report (`cases.scoping.reporting_regencies`), so a forged village is an invalid choice; photos are
checked and re-encoded by `cases.photos` while the form is validated, before anything is written.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import photos, scoping
from cases.models import Beneficiary, Case, PmksCategory
from regions.models import District, Village
from registry.models import NikFormField
from registry.nik import parse_nik, validate_kk
from volunteer.forms import ConfirmNikWarningsMixin, DateInput, GroupedVillageField

MAX_AGE = 120


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos; each is checked by `cases.photos` in the form's `clean()`."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/jpeg,image/png"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


def _not_in_future(value: dt.date | None, message) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(message, code="future")


class PhotosMixin(forms.Form):
    """Photos and the keep-location box; `clean()` leaves the checked photos in `cleaned_data["photos"]`."""

    photos = PhotosField(
        label=_("Foto (boleh lebih dari satu)"),
        help_text=_("JPEG atau PNG. Data tersembunyi foto (termasuk lokasi GPS) dihapus sebelum disimpan."),
    )
    keep_location = forms.BooleanField(
        label=_("Simpan lokasi (GPS) foto"),
        required=False,
        help_text=_("Centang hanya bila lokasi foto membantu petugas menemukan tempatnya."),
    )

    def clean(self):
        cleaned = super().clean()
        uploads = cleaned.get("photos") or []
        if "photos" not in self.errors:
            try:
                cleaned["photos"] = photos.clean_photos(uploads, keep_location=cleaned.get("keep_location", False))
            except ValidationError as exc:
                self.add_error("photos", exc)
        return cleaned


class CaseReportForm(ConfirmNikWarningsMixin, PhotosMixin):
    """Who, where, what: a new case and, unless the NIK is already registered, its new beneficiary.

    A NIK that disagrees with the sex, birth date, estimated age or regency typed is shown as warnings the
    reporter must tick to send anyway, as in the registry (`registry.forms.NikWarningsFormMixin`).
    """

    estimated_age_field = "estimated_age"
    village_field = "village"

    nik = NikFormField(
        label=_("NIK"),
        required=False,
        help_text=_("16 digit, bila diketahui. Kosongkan bila tidak punya KTP atau tidak tahu."),
    )
    full_name = forms.CharField(
        label=_("Nama"),
        max_length=150,
        help_text=_("Nama lengkap atau nama panggilan yang diketahui."),
        error_messages={"required": _("Isi nama, walau hanya nama panggilan.")},
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"),
        choices=Beneficiary.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih jenis kelamin.")},
    )
    birth_date = forms.DateField(label=_("Tanggal lahir"), required=False, widget=DateInput)
    estimated_age = forms.IntegerField(
        label=_("Perkiraan umur (tahun)"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("Bila tanggal lahir tidak diketahui."),
        error_messages={
            "min_value": _("Perkiraan umur tidak boleh negatif."),
            "max_value": _("Perkiraan umur paling tinggi %(limit_value)s tahun."),
            "invalid": _("Perkiraan umur ditulis dengan angka, misalnya 75."),
        },
    )
    kk_number = NikFormField(label=_("No. KK"), required=False, help_text=_("Nomor Kartu Keluarga, bila diketahui."))
    district = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("— semua kecamatan —"),
    )
    village = GroupedVillageField(
        label=_("Desa/kelurahan"),
        queryset=Village.objects.none(),
        error_messages={
            "required": _("Pilih desa/kelurahan tempat kasus ditemukan."),
            "invalid_choice": _("Desa/kelurahan ini di luar wilayah tempat Anda dapat melaporkan kasus."),
        },
    )
    location_description = forms.CharField(
        label=_("Keterangan tempat"),
        max_length=255,
        required=False,
        help_text=_("Alamat, RT/RW, atau gambaran tempat ditemukan."),
    )
    category = forms.ModelChoiceField(
        label=_("Jenis PMKS"),
        queryset=PmksCategory.objects.all(),
        error_messages={"required": _("Pilih jenis PMKS."), "invalid_choice": _("Pilih jenis PMKS dari daftar.")},
    )
    other_categories = forms.ModelMultipleChoiceField(
        label=_("Jenis PMKS lain"),
        queryset=PmksCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Apa yang dilihat"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Ceritakan apa yang Anda lihat.")},
    )
    priority = forms.TypedChoiceField(
        label=_("Prioritas"), choices=Case.Priority.choices, coerce=int, initial=Case.Priority.NORMAL
    )

    field_order = [
        "nik",
        "full_name",
        "sex",
        "birth_date",
        "estimated_age",
        "kk_number",
        "district",
        "village",
        "location_description",
        "category",
        "other_categories",
        "description",
        "priority",
        "photos",
        "keep_location",
    ]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regencies = scoping.reporting_regencies(user)
        villages = Village.objects.select_related("district").order_by("district__name", "district_id", "name")
        districts = District.objects.order_by("name")
        if regencies is not None:
            villages = villages.filter(district__regency_id__in=regencies)
            districts = districts.filter(regency_id__in=regencies)
        self.fields["village"].queryset = villages
        self.fields["district"].queryset = districts
        self.fields["confirm_warnings"].label = _("Saya sudah memeriksa peringatan NIK dan tetap ingin mengirim.")
        for name, attrs in {
            "nik": {"inputmode": "numeric", "autocomplete": "off"},
            "kk_number": {"inputmode": "numeric", "autocomplete": "off"},
            "full_name": {"autocomplete": "off"},
            "estimated_age": {"inputmode": "numeric"},
            "district": {"data-filters": "id_village"},
        }.items():
            self.fields[name].widget.attrs.update(attrs)

    def clean_nik(self) -> str:
        nik = self.cleaned_data["nik"]
        if nik:
            self.nik_info = parse_nik(nik)
        return nik

    def clean_kk_number(self) -> str:
        kk = self.cleaned_data["kk_number"]
        if kk:
            validate_kk(kk)
        return kk

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        _not_in_future(value, _("Tanggal lahir tidak boleh di masa depan."))
        return value

    def clean(self):
        cleaned = super().clean()
        village, district = cleaned.get("village"), cleaned.get("district")
        if village and district and village.district_id != district.pk:
            self.add_error("village", _("Desa/kelurahan ini tidak berada di kecamatan yang dipilih."))
        birth_date, age = cleaned.get("birth_date"), cleaned.get("estimated_age")
        if birth_date and age is not None:
            self.add_error("estimated_age", _("Isi tanggal lahir atau perkiraan umur, tidak keduanya."))
        elif birth_date is None and age is None and not cleaned.get("nik") and not self.has_error("birth_date"):
            self.add_error("estimated_age", _("Isi tanggal lahir atau perkiraan umur."))
        return cleaned

    def resolved_birth_date(self) -> tuple[dt.date | None, bool]:
        """(birth date, estimated?): typed, else from the estimated age, else what the NIK says."""
        cleaned = self.cleaned_data
        if cleaned.get("birth_date"):
            return cleaned["birth_date"], False
        if cleaned.get("estimated_age") is not None:
            return Beneficiary.birth_date_from_age(cleaned["estimated_age"]), True
        info = getattr(self, "nik_info", None)
        return (info.birth_date, False) if info else (None, False)

    def new_beneficiary(self) -> Beneficiary:
        """The beneficiary described by the form, not saved."""
        cleaned = self.cleaned_data
        birth_date, estimated = self.resolved_birth_date()
        return Beneficiary(
            nik=cleaned["nik"] or None,
            kk_number=cleaned["kk_number"],
            full_name=cleaned["full_name"],
            sex=cleaned["sex"],
            birth_date=birth_date,
            birth_date_estimated=estimated,
            village=cleaned["village"],
            location_description=cleaned["location_description"],
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Catatan"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Catatan tidak boleh kosong.")},
    )


class VisitForm(PhotosMixin):
    visited_on = forms.DateField(
        label=_("Tanggal kunjungan"),
        widget=DateInput,
        initial=timezone.localdate,
        error_messages={"required": _("Isi tanggal kunjungan."), "invalid": _("Tanggal kunjungan tidak sah.")},
    )
    text = forms.CharField(
        label=_("Hasil kunjungan"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tuliskan hasil kunjungan.")},
    )

    field_order = ["visited_on", "text", "photos", "keep_location"]

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        _not_in_future(value, _("Tanggal kunjungan tidak boleh di masa depan."))
        return value
