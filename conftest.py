"""Shared fixtures: regions loaded once per test database, and the named users (personas)."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.models import RoleAssignment
from regions.loader import load_province
from registry.tests.factories import RoleFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Banten's real regions in every test database, loaded once per session."""
    with django_db_blocker.unblock():
        load_province("36")


# Personas (healthchecks' alice/bob/charlie): who the tests act as.
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


@pytest.fixture(autouse=True)
def back_to_indonesian():
    """A request activates its language for the whole thread; never leave English to the next test."""
    yield
    translation.activate("id")
