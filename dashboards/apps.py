from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Province and regency dashboards: counts computed in the database, charts with their tables."""

    name = "dashboards"
    verbose_name = _("Dasbor")
