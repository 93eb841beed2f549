from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log of personal data: who opened a full record, revealed a NIK or exported a list, and when."""

    name = "audit"
    verbose_name = _("Log akses data pribadi")

    def ready(self) -> None:
        from audit import scoping  # noqa: F401  (registers the scoping rules)
