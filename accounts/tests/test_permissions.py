"""Permissions come from roles, read with the role assignments: no user/group permission query for them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import RoleBackend
from accounts.models import RoleAssignment
from regions.models import Regency
from registry.tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_permission_costs_only_the_role_query(django_assert_num_queries):
    user = RoleFactory(role=RoleAssignment.Role.REGENCY_STAFF, regency=Regency.objects.get(code="36.73")).user
    with django_assert_num_queries(1) as queries:  # the role assignments, once per user object
        assert user.has_perm("registry.view_recap")
        assert user.has_perm("cases.change_case")
        assert user.has_module_perms("cases")
    assert "JOIN" not in queries.captured_queries[0]["sql"]  # codes only: no regency, kecamatan or institution row
    assert not user.has_perm("audit.view_accesslog")  # the province's only


def test_permissions_granted_directly_still_count():
    user = UserFactory()
    assert not user.has_perm("registry.view_recap")
    user.user_permissions.add(Permission.objects.get(codename="view_recap"))
    user = type(user).objects.get(pk=user.pk)  # a fresh object: Django caches permissions per user object
    assert user.has_perm("registry.view_recap")
    assert user.has_module_perms("registry")
    assert not user.has_module_perms("cases")


def session_user(user):
    """The user as a request sees them: loaded by the backend from the session."""
    return RoleBackend().get_user(user.pk)


def test_a_session_user_without_granted_permissions_costs_no_permission_query(django_assert_num_queries):
    officer = RoleFactory(role=RoleAssignment.Role.FORUM_OFFICER, regency=Regency.objects.get(code="36.04")).user
    with django_assert_num_queries(1):  # the user, with whether any permission or group names them
        user = session_user(officer)
    with django_assert_num_queries(1):  # the role assignments only: Django's two permission tables are not read
        assert not user.has_perm("registry.view_recap")
        assert not user.has_perm("cases.view_case")
        assert not user.has_module_perms("registry")
        assert user.get_all_permissions() == set()


def test_a_session_user_keeps_permissions_granted_directly_or_through_a_group():
    direct, grouped = UserFactory(), UserFactory()
    direct.user_permissions.add(Permission.objects.get(codename="view_recap"))
    group = Group.objects.create(name="Pemantau")
    group.permissions.add(Permission.objects.get(codename="view_accesslog", content_type__app_label="audit"))
    grouped.groups.add(group)
    assert session_user(direct).has_perm("registry.view_recap")
    assert not session_user(direct).has_perm("audit.view_accesslog")
    assert session_user(grouped).has_perm("audit.view_accesslog")
    assert not session_user(grouped).has_perm("registry.view_recap")
    superuser = UserFactory(is_superuser=True)
    assert session_user(superuser).get_all_permissions() >= {"registry.view_recap", "audit.view_accesslog"}


def test_a_page_asks_no_permission_table_for_a_role_user(client):
    officer = RoleFactory(role=RoleAssignment.Role.FORUM_OFFICER, regency=Regency.objects.get(code="36.04")).user
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:regency", args=["kabupaten-serang"]))
    assert response.status_code == 200
    assert "Rekap PSKS" not in response.text  # `perms.registry.view_recap` in base.html: still answered, no
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]
