"""Shared fixtures: regions loaded once per test database, and the named users (personas)."""

from __future__ import annotations

import pytest

from regions.loader import load_province


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Banten's real regions in every test database, loaded once per session."""
    with django_db_blocker.unblock():
        load_province("36")
