from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry import services
from registry.models import Institution, Membership, Person
from registry.nik import nik_warnings, parse_nik


class VersionedFormMixin(forms.ModelForm):
    """Carries the version the form was opened at; a save based on an older version is refused.

    The message names who changed the record meanwhile, when, and each field's old → new value.
    `record_save` checks again under a row lock when the record is saved.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        try:
            services.record_check_version(record=self.instance, expected_version=cleaned.get("expected_version"))
        except services.StaleRecord as exc:
            raise ValidationError(exc.message(), code="stale") from None
        return cleaned


class NikWarningsFormMixin(forms.Form):
    """Warnings about a NIK (kecamatan code, sex, birth date) stop the save until confirmed.

    The NIK is never re-issued to correct such errors, so the officer may keep it, but only
    after ticking the confirmation box; the warnings are shown each as its own message.
    """

    confirm_warnings = forms.BooleanField(
        label=_("Saya sudah memeriksa peringatan NIK dan tetap ingin menyimpan."),
        required=False,
    )

    nik_field = "nik"
    sex_field = "sex"
    birth_date_field = "birth_date"
    # Compared only where a form names them (the case report): see `registry.nik.nik_warnings`.
    estimated_age_field: str | None = None
    village_field: str | None = None

    def clean(self):
        cleaned = super().clean()
        self.nik_warning_messages: list[str] = []
        nik = cleaned.get(self.nik_field)
        if not nik or self.nik_field in self.errors:
            return cleaned
        try:
            info = parse_nik(nik)
        except ValidationError:
            return cleaned  # reported as the NIK field's own error by the model validator
        self.nik_warning_messages = nik_warnings(
            info,
            sex=cleaned.get(self.sex_field),
            birth_date=cleaned.get(self.birth_date_field),
            estimated_age=cleaned.get(self.estimated_age_field) if self.estimated_age_field else None,
            village=cleaned.get(self.village_field) if self.village_field else None,
        )
        if self.nik_warning_messages and not cleaned.get("confirm_warnings"):
            for message in self.nik_warning_messages:
                self.add_error(None, message)
            self.add_error(
                "confirm_warnings",
                _("Centang kotak ini untuk menyimpan meski ada peringatan di atas."),
            )
        return cleaned


class PersonForm(VersionedFormMixin, NikWarningsFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "nik",
            "full_name",
            "sex",
            "birth_place",
            "birth_date",
            "village",
            "address",
            "phone",
            "email",
            "education",
            "status",
            "status_date",
            "status_reason",
            "verification",
            "notes",
        ]

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())


class MembershipForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "person",
            "psks_type",
            "institution",
            "position",
            "district",
            "regency",
            "decree_number",
            "decree_date",
            "decree_issuer",
            "membership_number",
            "start_date",
            "end_date",
            "status",
            "status_reason",
            "verification",
        ]


class InstitutionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "psks_type",
            "name",
            "chair",
            "service_fields",
            "village",
            "address",
            "phone",
            "email",
            "registration_number",
            "registration_date",
            "registration_valid_until",
            "legal_entity",
            "legal_entity_number",
            "accreditation",
            "accreditation_date",
            "accreditation_valid_until",
            "status",
            "notes",
            "verification",
        ]


class ChangeRequestApproveForm(forms.Form):
    confirm_stale = forms.BooleanField(label=_("Saya sudah meninjau perubahan terbaru"), required=False)
    # The record's version on the page the officer reviewed: a confirmation covers only what they saw.
    reviewed_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ChangeRequestRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        error_messages={"required": _("Tuliskan alasan penolakan; pemohon akan membacanya.")},
    )
