from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import Person
from registry.nik import nik_warnings, parse_nik


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
            info, sex=cleaned.get(self.sex_field), birth_date=cleaned.get(self.birth_date_field)
        )
        if self.nik_warning_messages and not cleaned.get("confirm_warnings"):
            for message in self.nik_warning_messages:
                self.add_error(None, message)
            self.add_error(
                "confirm_warnings",
                _("Centang kotak ini untuk menyimpan meski ada peringatan di atas."),
            )
        return cleaned


class PersonForm(NikWarningsFormMixin, forms.ModelForm):
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
