from __future__ import annotations

import pytest

from accounts.models import RoleAssignment
from registry.tests.factories import RoleFactory, UserFactory


@pytest.fixture
def province_staff(db):
    return RoleFactory(user=UserFactory(username="provinsi"), role=RoleAssignment.Role.PROVINCE_STAFF).user


@pytest.fixture
def serang_staff(db):
    """Staff of Kota Serang (36.73)."""
    return RoleFactory(
        user=UserFactory(username="kota-serang"), role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.73"
    ).user


@pytest.fixture
def lebak_staff(db):
    """Staff of Kabupaten Lebak (36.02)."""
    return RoleFactory(
        user=UserFactory(username="lebak"), role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.02"
    ).user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="tanpa-peran")
