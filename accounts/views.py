from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.tokens import invitation_token_generator

logger = logging.getLogger("pskshub.accounts")


def _client_address(request: HttpRequest) -> str:
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def _user_from_uid(uidb64: str):
    User = get_user_model()
    try:
        pk = User._meta.pk.to_python(urlsafe_base64_decode(uidb64).decode())
        return User._default_manager.get(pk=pk)
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError, ValidationError, User.DoesNotExist):
        return None


def _invited_user(uidb64: str, token: str):
    """The login an invitation link names, if the link is still good: right, recent, not used."""
    user = _user_from_uid(uidb64)
    if user is None or not user.is_active or user.has_usable_password():
        return None
    return user if invitation_token_generator.check_token(user, token) else None


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invited volunteer sets a first password (Django's validators), and is logged in."""
    user = _invited_user(uidb64, token)
    if user is None:
        logger.warning(
            "Invitation link refused (unknown, expired or already used) for uid %r from %s",
            uidb64[:20],
            _client_address(request),
        )
        return render(request, "accounts/invitation_invalid.html", {"hours": services.invitation_hours()}, status=400)
    if request.user.is_authenticated and request.user.pk != user.pk:
        # An officer checking the link in their own browser must not turn into the volunteer.
        return render(request, "accounts/invitation_other_user.html", status=403)

    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = services.invitation_accept(form=form)
        login(request, user, backend="accounts.backends.RoleBackend")
        messages.success(request, _("Kata sandi tersimpan. Selamat datang di PSKS Hub!"))
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a bad link answers 400 and is logged, a good one also lifts a lockout."""

    def render_to_response(self, context, **response_kwargs):
        if not self.validlink:
            logger.warning(
                "Password reset link refused (unknown, expired or already used) from %s",
                _client_address(self.request),
            )
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        logger.info("Password reset: user %s set a new password by email link", self.user.pk)
        services.login_failures_forget(user=self.user, reason="password reset by email")
        return response
