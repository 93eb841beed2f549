from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Forums of the PSKS (Forum PSKS, Forpeksos, IPSM …), their officers' terms, and events."""

    name = "forums"
    verbose_name = _("Forum dan kegiatan")

    def ready(self) -> None:
        from forums import scoping  # noqa: F401  (registers the scoping rules)
