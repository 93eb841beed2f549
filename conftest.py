"""Shared fixtures: regions loaded once per test database, and the named users (personas)."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.models import RoleAssignment
from regions.loader import load_province
from registry.tests.factories import RoleFactory, UserFactory


def _restore_reference_data() -> None:
    """What the migrations and the session loaded: reference data, forum positions, Banten's regions."""
    from importlib import import_module

    from django.apps import apps

    import_module("registry.migrations.0002_reference_data").load(apps, None)
    import_module("forums.migrations.0002_positions").load(apps, None)
    import_module("cases.migrations.0002_reference_data").load(apps, None)
    load_province("36")


def _flushes_the_database(item) -> bool:
    """A transactional test (browser tests, all-or-nothing imports) empties every table at its teardown."""
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(item.fixturenames) or (marker and marker.kwargs.get("transaction"))
    )


def _test_database_is_up() -> bool:
    """False after a worker's last test: the test database is gone and the connection names the real one."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    return name.startswith("test_") or (connection.vendor == "sqlite" and connection.is_in_memory_db())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put back what the other tests rely on (in any order, under xdist)."""
    result = yield
    if _flushes_the_database(item) and _test_database_is_up():
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_reference_data()
    return result


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


@pytest.fixture(autouse=True)
def no_kept_panels():
    """Each test's dashboards build their panels afresh: a panel kept by an earlier test (same user id, same rows)
    would be the same, but would skip what the test mocks (`dashboards.memo`; test_memo.py tests the keeping)."""
    from dashboards import memo

    memo.clear()
