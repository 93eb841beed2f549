from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteerConfig(AppConfig):
    """The volunteer site: a person's own data, their unit's roster, their change requests."""

    name = "volunteer"
    verbose_name = _("Situs relawan")
