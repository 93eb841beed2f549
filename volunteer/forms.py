"""Forms of the volunteer site: small, phone-friendly, each naming exactly the fields it accepts.

A field that is not declared here is never read from a POST, so a forged `nik` on the contacts
form or a forged `verification` on the roster form changes nothing.
"""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from registry.forms import NikWarningsFormMixin
from registry.models import Membership, NikFormField, Person
from registry.nik import validate_nik

from .units import Unit


class DateInput(forms.DateInput):
    """The phone's own date picker; its value is always ISO (`2026-01-31`), whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("Tanggal tidak boleh di masa depan."), code="future")


class VersionedFormMixin(forms.Form):
    """Carries the version the form was opened at, so a save based on older data is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def set_version(self, version: int) -> None:
        self.fields["expected_version"].initial = version


class ConfirmNikWarningsMixin(NikWarningsFormMixin):
    """NIK warnings as in the admin, but the confirmation box appears only once there is something to confirm."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm_warnings"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if self.nik_warning_messages:
            self.fields["confirm_warnings"].widget = forms.CheckboxInput()
        return cleaned


def _tune_person_widgets(fields: dict[str, forms.Field]) -> None:
    """Keyboards and autofill that suit a phone."""
    attrs = {
        "nik": {"inputmode": "numeric", "autocomplete": "off"},
        "phone": {"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
        "email": {"autocomplete": "email", "inputmode": "email"},
        "address": {"autocomplete": "street-address"},
        "full_name": {"autocomplete": "off"},
    }
    if "sex" in fields:
        fields["sex"].choices = Person.Sex.choices  # radio buttons: no empty choice
    for name, extra in attrs.items():
        if name in fields:
            fields[name].widget.attrs.update(extra)
            if "type" in extra:
                fields[name].widget.input_type = extra["type"]


def note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Keterangan untuk petugas"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Misalnya: sesuai KTP atau SK; tunjukkan dokumennya bila petugas meminta."),
    )


# --- A person's own data ---------------------------------------------------------------------------------------------


class ContactsForm(VersionedFormMixin, forms.ModelForm):
    """Contacts change at once (and are recorded in the history)."""

    class Meta:
        model = Person
        fields = Person.CONTACT_FIELDS
        help_texts = {"phone": _("Contoh: 0812 3456 7890.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_version(self.instance.version)
        _tune_person_widgets(self.fields)


class PersonChangeRequestForm(ConfirmNikWarningsMixin, VersionedFormMixin, forms.ModelForm):
    """Official data of a person: filed as a change request for Dinas Sosial, never saved here."""

    note = note_field()

    class Meta:
        model = Person
        fields = Person.OFFICIAL_FIELDS
        widgets = {"birth_date": DateInput, "sex": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_version(self.instance.version)
        self.fields["confirm_warnings"].label = _("Saya sudah memeriksa peringatan NIK dan tetap ingin mengirim.")
        _tune_person_widgets(self.fields)

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def official_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in Person.OFFICIAL_FIELDS}


# Official data of a membership a volunteer or coordinator may ask to correct. The type, unit and
# assignment area stay with Dinas Sosial: moving a member is done there, not by a request.
MEMBERSHIP_REQUEST_FIELDS = (
    "position",
    "decree_number",
    "decree_date",
    "decree_issuer",
    "membership_number",
    "start_date",
    "end_date",
)


class MembershipChangeRequestForm(VersionedFormMixin, forms.ModelForm):
    note = note_field()

    class Meta:
        model = Membership
        fields = MEMBERSHIP_REQUEST_FIELDS
        widgets = {"decree_date": DateInput, "start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_version(self.instance.version)
        number_label = self.instance.psks_type.membership_number_label
        if number_label:
            self.fields["membership_number"].help_text = number_label

    def official_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in MEMBERSHIP_REQUEST_FIELDS}


# --- A unit's roster, kept by its coordinator ------------------------------------------------------------------------


class NikLookupForm(forms.Form):
    """Step 1 of adding a member: the NIK, to find the person if the registry already has them."""

    nik = NikFormField(
        label=_("NIK anggota"),
        validators=[validate_nik],
        help_text=_("16 digit sesuai KTP. Jika NIK sudah terdaftar, data yang ada dipakai."),
        error_messages={"required": _("Isi NIK anggota.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _tune_person_widgets(self.fields)
        self.fields["nik"].widget.attrs["autofocus"] = True


class GroupedVillageIterator(ModelChoiceIterator):
    """Villages grouped under their kecamatan, as people look them up."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for district, villages in groupby(self.queryset, key=lambda v: v.district):
            yield (district.name, [self.choice(v) for v in villages])


class GroupedVillageField(forms.ModelChoiceField):
    iterator = GroupedVillageIterator


class MemberPersonForm(ConfirmNikWarningsMixin, forms.ModelForm):
    """Step 2 for a NIK the registry does not know: the new person, saved unverified."""

    class Meta:
        model = Person
        fields = ["nik", "full_name", "sex", "birth_place", "birth_date", "village", "address", "phone"]
        widgets = {"birth_date": DateInput, "sex": forms.RadioSelect}

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        villages = unit.villages()
        if unit.district is None:
            field = GroupedVillageField(queryset=villages, label=self.fields["village"].label)
            self.fields["village"] = field
        else:
            self.fields["village"].queryset = villages
        self.fields["village"].help_text = _("Hanya desa/kelurahan di wilayah unit ini.")
        _tune_person_widgets(self.fields)

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())


class MemberAddForm(forms.Form):
    """The membership of a new roster member; for an institution the type is the institution's own."""

    psks_type = forms.ModelChoiceField(
        label=_("Jenis PSKS"), queryset=None, empty_label=None, error_messages={"required": _("Pilih jenis PSKS.")}
    )
    position = forms.CharField(
        label=capfirst(Membership._meta.get_field("position").verbose_name),
        max_length=100,
        required=False,
        help_text=_("Misalnya: ketua, sekretaris, anggota."),
    )
    start_date = forms.DateField(
        label=capfirst(Membership._meta.get_field("start_date").verbose_name),
        widget=DateInput,
        validators=[not_in_future],
        error_messages={"required": _("Isi tanggal mulai.")},
    )

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_psks_type = unit.fixed_psks_type
        if self.fixed_psks_type is not None:
            del self.fields["psks_type"]
        else:
            self.fields["psks_type"].queryset = unit.psks_types()
        self.fields["start_date"].initial = timezone.localdate

    def clean(self):
        cleaned = super().clean()
        if self.fixed_psks_type is not None:
            cleaned["psks_type"] = self.fixed_psks_type
        return cleaned


class MembershipEndForm(VersionedFormMixin):
    """A member leaves the unit: the date and the reason, both kept, both checked by Dinas Sosial."""

    end_date = forms.DateField(
        label=_("Tanggal berhenti"),
        widget=DateInput,
        validators=[not_in_future],
        error_messages={"required": _("Isi tanggal berhenti.")},
    )
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=255,
        help_text=_("Misalnya: pindah domisili, mengundurkan diri, meninggal dunia."),
        error_messages={"required": _("Tuliskan alasannya; petugas Dinas Sosial akan membacanya.")},
    )

    def __init__(self, *args, membership: Membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_version(membership.version)
        self.fields["end_date"].initial = timezone.localdate

    def clean_reason(self) -> str:
        return " ".join(self.cleaned_data["reason"].split())
