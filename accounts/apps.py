from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun dan peran")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import scoping  # noqa: F401  (registers the scoping rules)
        from pskshub.middleware import IdleTimeoutMiddleware

        user_logged_in.connect(IdleTimeoutMiddleware.on_login, dispatch_uid="idle-timeout-on-login")
