from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_staff_member


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Admin login: a staff role (not Django's is_staff flag) opens the admin."""

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        if not is_staff_member(user):
            raise forms.ValidationError(
                _("Akun ini bukan akun staf Dinas Sosial. Relawan masuk melalui halaman utama."),
                code="invalid_login",
            )


class PsksAdminSite(admin.AdminSite):
    site_header = _("PSKS Hub — Dinas Sosial")
    site_title = _("PSKS Hub")
    index_title = _("Administrasi registri")
    login_form = StaffAuthenticationForm

    def has_permission(self, request) -> bool:
        return is_staff_member(request.user)
