"""Login events written to the log (logger "pskshub.accounts"); connected in AccountsConfig.ready."""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger("pskshub.accounts")


def _address(request) -> str:
    if request is None:
        return "?"
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "?")


def log_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """A refused login: which account it was counted against (never the password), and from where."""
    from accounts.backends import find_user

    user = find_user((credentials or {}).get("username") or "")
    who = f"user {user.pk}" if user is not None else "an identifier that names no single login"
    locked = " (locked out)" if getattr(request, "axes_locked_out", False) else ""
    logger.warning("Login failed for %s from %s%s", who, _address(request), locked)


def log_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """Axes refused a login because of repeated failures (of that account, or from that address)."""
    from accounts.models import User

    user = User.objects.filter(username=username).only("pk").first() if username else None
    who = f"user {user.pk}" if user is not None else "an identifier that names no login"
    logger.warning("Login locked out after repeated failures: %s, from %s", who, ip_address)


def forget_own_failures_on_login(sender, request, user, **kwargs) -> None:
    """With AXES_RESET_ON_SUCCESS off: a successful login forgets the failures counted against that account only.

    django-axes' own reset on success also forgets every failure from the same address, so an attacker
    who owns one login could reset the count against someone else's account by logging in to their own
    between guesses; this reset keeps the per-account count intact.
    """
    if settings.AXES_RESET_ON_SUCCESS:
        return  # axes resets (by account and by address) itself
    from accounts.services import login_failures_forget

    login_failures_forget(user=user, reason="successful login")
