"""Forum personas: officers of a forum (read-only, no admin), and the forums and persons tests share."""

from __future__ import annotations

import pytest

from accounts.models import RoleAssignment
from forums.tests.factories import ForumFactory
from registry.tests.factories import LEBAK_VILLAGE, PersonFactory, RoleFactory, UserFactory


@pytest.fixture
def serang_forum_officer(db):
    """An officer of the Forum PSKS of Kota Serang (36.73): may read, never write."""
    return RoleFactory(
        user=UserFactory(username="forum-kota-serang"), role=RoleAssignment.Role.FORUM_OFFICER, regency_id="36.73"
    ).user


@pytest.fixture
def province_forum(db):
    return ForumFactory.province()


@pytest.fixture
def serang_forum(province_forum):
    return ForumFactory(name="Forum PSKS Kota Serang", parent=province_forum)


@pytest.fixture
def lebak_forum(province_forum):
    return ForumFactory(name="Forum PSKS Kabupaten Lebak", regency_id="36.02", parent=province_forum)


@pytest.fixture
def serang_person(db):
    return PersonFactory(full_name="Siti Serang")


@pytest.fixture
def lebak_person(db):
    return PersonFactory(full_name="Ujang Lebak", village_code=LEBAK_VILLAGE)
