from __future__ import annotations

import logging
import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User

logger = logging.getLogger("pskshub.accounts")


def _same_address(typed: str, stored: str) -> bool:
    """Django's comparison for reset addresses: equal after Unicode normalisation and case folding."""
    return bool(stored) and (
        unicodedata.normalize("NFKC", typed).casefold() == unicodedata.normalize("NFKC", stored).casefold()
    )


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form; the identifier may be a NIK, an email, a phone number or a username."""

    username = auth_forms.UsernameField(
        label=_("NIK, email, nomor HP, atau nama pengguna"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "Masuk gagal: NIK/email/nomor HP/nama pengguna atau kata sandi salah. "
            "Periksa lagi keduanya; huruf besar dan kecil pada kata sandi dibedakan."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi petugas Dinas Sosial."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset by email, matching the login's email or the email on the volunteer's record.

    The link goes to the stored address that matched, never to the address as typed. Like Django's,
    it goes only to active logins that have a password (an invited person without one asks for a
    new invitation).
    """

    email = forms.EmailField(
        label=_("Alamat email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str):
        users = (
            User.objects.filter(Q(email__iexact=email) | Q(person__email__iexact=email), is_active=True)
            .select_related("person")
            .order_by("pk")
        )
        found = False
        for user in users:
            person_email = getattr(getattr(user, "person", None), "email", "")
            if not user.has_usable_password():
                continue
            if _same_address(email, user.email):
                pass
            elif _same_address(email, person_email):
                user._reset_email = person_email  # the record's address matched, not the login's
            else:
                continue  # the database's case-insensitive match is not a true match
            found = True
            yield user
        if not found:
            logger.info("Password reset requested for an address without a login that can reset")

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        to_email = getattr(user, "_reset_email", None) or to_email
        context = {**context, "email": to_email}
        logger.info("Password reset link sent to user %s", user.pk)
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)
