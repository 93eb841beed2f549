from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Wilayah")

    def ready(self) -> None:
        from regions import scoping  # noqa: F401  (registers the scoping rules)
