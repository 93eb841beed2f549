from __future__ import annotations

import time

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.roles import assignments_of, is_staff_member
from pskshub.scoping import get_visible_or_404


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Admin login: a staff role (not Django's is_staff flag) opens the admin."""

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        if not is_staff_member(user):
            raise forms.ValidationError(
                _("Akun ini bukan akun staf Dinas Sosial. Relawan masuk melalui halaman utama."),
                code="invalid_login",
            )


class PsksAdminSite(admin.AdminSite):
    site_header = _("PSKS Hub — Dinas Sosial")
    site_title = _("PSKS Hub")
    index_title = _("Administrasi registri")
    login_form = StaffAuthenticationForm

    # The navigation's app list (every admin page's sidebar) asks each registered ModelAdmin for its
    # permissions, and Django's user/group permission tables for the apps no role covers: about 10 ms and two
    # queries a page. It depends on the user, their roles and the language only, so it is kept for a minute
    # per process; a role granted or withdrawn changes the key at once. It only decides which links are
    # shown: every view still checks its own permission.
    APP_LIST_SECONDS = 60
    APP_LIST_ENTRIES = 2000

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: dict[tuple, tuple[float, list]] = {}

    def has_permission(self, request) -> bool:
        return is_staff_member(request.user)

    @staticmethod
    def navigation_key(request) -> tuple:
        """What the navigation depends on: the user, their roles, the language."""
        user = request.user
        roles = sorted((a.role, a.regency_id, a.institution_id, a.district_id) for a in assignments_of(user))
        return (user.pk, user.is_superuser, tuple(roles), get_language())

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        key = self.navigation_key(request)
        now = time.monotonic()
        kept = self._app_lists.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        app_list = super().get_app_list(request)
        if len(self._app_lists) >= self.APP_LIST_ENTRIES:
            self._app_lists.clear()
        self._app_lists[key] = (now + self.APP_LIST_SECONDS, app_list)
        return app_list

    def each_context(self, request):
        """Django's, plus `nav_sidebar_key`: the rendered sidebar is kept under it (`admin/base_site.html`, a
        fragment cache of a minute); the sidebar also marks the model of the page, so that is in the key."""
        context = super().each_context(request)
        current = next(
            (
                model["admin_url"]
                for app in context["available_apps"]
                for model in app["models"]
                if model.get("admin_url") and model["admin_url"] in request.path
            ),
            "",
        )
        context["nav_sidebar_key"] = repr((*self.navigation_key(request), current))
        return context

    def get_urls(self):
        """Django's URLs, the view-on-site shortcut (`r/<content type>/<id>/`) replaced by `view_on_site`."""
        urls = super().get_urls()
        for i, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[i] = path(str(pattern.pattern), self.admin_view(view_on_site), name="view_on_site")
        return urls


def view_on_site(request, content_type_id: int, object_id: str):
    """contenttypes' shortcut for objects the user may see (`pskshub.scoping`) only.

    Django's shortcut redirects to any object's page, so a redirect would tell a staff member of another regency
    that a record exists; out of scope is a 404 here, exactly like a missing object.
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            raise Http404
        get_visible_or_404(request.user, model, pk=object_id)
    except (ContentType.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return contenttype_views.shortcut(request, content_type_id, object_id)
