from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun dan peran")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts import (
            receivers,
            scoping,  # noqa: F401  (registers the scoping rules)
        )
        from pskshub.middleware import IdleTimeoutMiddleware

        user_logged_in.connect(IdleTimeoutMiddleware.on_login, dispatch_uid="idle-timeout-on-login")
        user_logged_in.connect(receivers.forget_own_failures_on_login, dispatch_uid="accounts-forget-own-failures")
        user_login_failed.connect(receivers.log_login_failed, dispatch_uid="accounts-log-login-failed")
        user_locked_out.connect(receivers.log_locked_out, dispatch_uid="accounts-log-locked-out")
