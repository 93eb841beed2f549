"""The admin's navigation (app list): kept per user, roles and language, never stale after a role change."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import RoleAssignment
from registry.tests.factories import RoleFactory

pytestmark = pytest.mark.django_db

ACCESS_LOG = reverse("admin:audit_accesslog_changelist")


def test_second_admin_page_reads_no_permission_tables(client, serang_staff):
    client.force_login(serang_staff)
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:registry_person_changelist"))
    assert page.status_code == 200
    assert reverse("admin:registry_person_changelist") in page.text  # the navigation is there
    assert not any("auth_permission" in q["sql"] for q in queries.captured_queries)


def test_a_role_granted_shows_in_the_navigation_at_once(client, serang_staff):
    client.force_login(serang_staff)
    assert ACCESS_LOG not in client.get(reverse("admin:index")).text  # regency staff: no access log
    RoleFactory(user=serang_staff, role=RoleAssignment.Role.PROVINCE_STAFF, regency_id=None)
    assert ACCESS_LOG in client.get(reverse("admin:index")).text
    RoleAssignment.objects.filter(user=serang_staff, role=RoleAssignment.Role.PROVINCE_STAFF).delete()
    assert ACCESS_LOG not in client.get(reverse("admin:index")).text


def test_navigation_follows_the_language(rf, serang_staff):
    """Names and their order (sorted by name) are the language's, as Django's own list would have them."""
    request = rf.get("/admin/")
    request.user = serang_staff

    def names(app_list) -> list[str]:
        return [f"{app['name']}: {model['name']}" for app in app_list for model in app["models"]]

    for language in ("id", "en", "id"):
        with translation.override(language):
            assert names(admin.site.get_app_list(request)) == names(AdminSite.get_app_list(admin.site, request))


def sidebar(page: str) -> str:
    start = page.index('id="nav-sidebar"')
    return page[start : page.index("</nav>", start)]


def current_row(nav: str) -> str:
    marked = nav.index("current-model")
    return nav[marked : nav.index("</tr>", marked)]


def test_the_kept_sidebar_marks_the_page_s_model_and_follows_the_roles(client, serang_staff):
    persons = reverse("admin:registry_person_changelist")
    memberships = reverse("admin:registry_membership_changelist")
    client.force_login(serang_staff)

    nav = sidebar(client.get(persons).text)
    assert persons in current_row(nav)
    nav = sidebar(client.get(memberships).text)
    assert memberships in current_row(nav)
    assert persons not in current_row(nav)
    assert ACCESS_LOG not in nav

    RoleFactory(user=serang_staff, role=RoleAssignment.Role.PROVINCE_STAFF, regency_id=None)
    assert ACCESS_LOG in sidebar(client.get(memberships).text)
