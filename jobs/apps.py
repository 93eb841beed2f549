from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Tugas latar belakang")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from jobs import scoping  # noqa: F401  (registers the rule for Job)

        # Each app's `job_handlers.py` registers its handlers, in the web process and in the worker alike.
        autodiscover_modules("job_handlers")
