from django.contrib.admin.apps import AdminConfig


class PsksAdminConfig(AdminConfig):
    """Django's admin, with our site: staff roles decide who may enter."""

    default_site = "pskshub.admin_site.PsksAdminSite"
