"""Logins for the accounts tests: volunteers whose person record carries a login."""

from __future__ import annotations

import pytest

from registry.tests.factories import LEBAK_VILLAGE, PersonFactory, UserFactory


@pytest.fixture
def volunteer():
    """Siti, a Kota Serang volunteer with a login: username, email, NIK and phone all name it."""
    person = PersonFactory(
        full_name="Siti Aminah",
        phone="+6281234567890",
        email="siti@example.org",
        account=UserFactory(username="siti", email="siti.login@example.org"),
    )
    return person.account


@pytest.fixture
def lebak_volunteer():
    person = PersonFactory(
        full_name="Asep Lebak",
        village_code=LEBAK_VILLAGE,
        phone="+6281311112222",
        account=UserFactory(username="asep"),
    )
    return person.account
