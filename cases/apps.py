from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """PMKS/PPKS beneficiaries and their cases: reports, workflow, interventions, visits."""

    name = "cases"
    verbose_name = _("Kasus PMKS")

    def ready(self) -> None:
        from cases import scoping  # noqa: F401  (registers the scoping rules)
