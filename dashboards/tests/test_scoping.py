"""`regions.scoping.dashboard_regencies_for`: the one rule of who may open which dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import RoleAssignment
from regions import scoping
from regions.models import Regency
from registry.tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def codes(user) -> list[str]:
    return sorted(scoping.dashboard_regencies_for(user).values_list("code", flat=True))


def test_staff_see_their_staff_scope(province_staff, serang_staff):
    assert codes(province_staff) == sorted(Regency.objects.values_list("code", flat=True))
    assert scoping.dashboard_scope(province_staff).everywhere
    assert codes(serang_staff) == ["36.73"]
    assert not scoping.dashboard_scope(serang_staff).everywhere


def test_forum_officers_see_their_forums_regencies(serang_forum_chair, province_forum_officer):
    assert codes(serang_forum_chair) == ["36.04"]
    assert scoping.dashboard_scope(province_forum_officer).everywhere
    assert len(codes(province_forum_officer)) == 8


def test_staff_and_forum_roles_add_up(serang_staff):
    RoleFactory(user=serang_staff, role=RoleAssignment.Role.FORUM_OFFICER, regency_id="36.02")
    assert codes(serang_staff) == ["36.02", "36.73"]


def test_nobody_else_sees_anything(no_role_user, serang_forum_chair):
    serang_forum_chair.is_active = False
    for user in (no_role_user, serang_forum_chair, AnonymousUser()):
        assert codes(user) == []
        assert scoping.dashboard_scope(user).is_empty


def test_regency_slugs_and_404(serang_forum_chair):
    serang = Regency.objects.get(code="36.04")
    assert scoping.regency_slug(serang) == "kabupaten-serang"
    assert scoping.get_dashboard_regency_or_404(serang_forum_chair, "kabupaten-serang") == serang
    for slug in ("kabupaten-lebak", "kabupaten-atlantis", "36.04"):
        with pytest.raises(Http404):
            scoping.get_dashboard_regency_or_404(serang_forum_chair, slug)


def test_dashboard_rule_leaves_the_staff_region_rules_alone(serang_forum_chair):
    assert list(scoping.regencies_for(serang_forum_chair)) == []  # a forum officer administers nothing
    assert list(scoping.districts_for(serang_forum_chair)) == []


def test_navigation_filter(province_staff, serang_forum_chair, no_role_user, django_assert_num_queries):
    from dashboards.templatetags.dashboard_tags import has_dashboard

    assert has_dashboard(province_staff)
    assert has_dashboard(serang_forum_chair)
    assert not has_dashboard(no_role_user)
    assert not has_dashboard(AnonymousUser())
    with django_assert_num_queries(0):  # the roles are read once per user object
        has_dashboard(serang_forum_chair)
