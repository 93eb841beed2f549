from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Impor dan ekspor")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from transfers import scoping  # noqa: F401  (registers the rule for ImportBatch)
