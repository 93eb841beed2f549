"""Permissions come from roles, read with the role assignments: no user/group permission query for them."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import RoleAssignment
from regions.models import Regency
from registry.tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_permission_costs_only_the_role_query(django_assert_num_queries):
    user = RoleFactory(role=RoleAssignment.Role.REGENCY_STAFF, regency=Regency.objects.get(code="36.73")).user
    with django_assert_num_queries(1):  # the role assignments, once per user object
        assert user.has_perm("registry.view_recap")
        assert user.has_perm("cases.change_case")
        assert user.has_module_perms("cases")
    assert not user.has_perm("audit.view_accesslog")  # the province's only


def test_permissions_granted_directly_still_count():
    user = UserFactory()
    assert not user.has_perm("registry.view_recap")
    user.user_permissions.add(Permission.objects.get(codename="view_recap"))
    user = type(user).objects.get(pk=user.pk)  # a fresh object: Django caches permissions per user object
    assert user.has_perm("registry.view_recap")
    assert user.has_module_perms("registry")
    assert not user.has_module_perms("cases")
