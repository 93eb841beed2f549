"""Personas of the volunteer site: a PSM volunteer, their neighbour, and coordinators of two units.

Kota Serang (36.73): the volunteer and neighbour live in Kec. Cipocok Jaya (36.73.05); the Karang
Taruna of unit A is there too. Unit B is an LKS in Kabupaten Lebak with its own coordinator.
"""

from __future__ import annotations

import pytest

from accounts.models import RoleAssignment
from registry.models import PsksType
from registry.tests.factories import (
    LEBAK_VILLAGE,
    InstitutionFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

COORDINATOR = RoleAssignment.Role.UNIT_COORDINATOR
CIPOCOK_JAYA = "36.73.05"


@pytest.fixture
def volunteer_person(db):
    return PersonFactory(full_name="Ani Wulandari", account=UserFactory(username="ani"), phone="+6281200000001")


@pytest.fixture
def volunteer(volunteer_person):
    """The PSM volunteer's login."""
    return volunteer_person.account


@pytest.fixture
def volunteer_membership(volunteer_person):
    return MembershipFactory(person=volunteer_person, decree_number="460/1/2020", membership_number="KTA-ANI")


@pytest.fixture
def neighbour(db):
    """Another volunteer of the same kecamatan, with a login of their own."""
    return PersonFactory(full_name="Budi Santoso", account=UserFactory(username="budi"), phone="+6281200000002")


@pytest.fixture
def neighbour_membership(neighbour):
    return MembershipFactory(person=neighbour, membership_number="KTA-BUDI")


@pytest.fixture
def karang_taruna(db):
    return InstitutionFactory(name="Karang Taruna Unit A", psks_type=PsksType.objects.get(code="KT"))


@pytest.fixture
def kt_chair(karang_taruna):
    """Coordinator of unit A (the Karang Taruna), a member of it themself."""
    person = PersonFactory(full_name="Ketua Unit A", account=UserFactory(username="ketua-a"))
    MembershipFactory(person=person, psks_type=karang_taruna.psks_type, institution=karang_taruna, position="Ketua")
    RoleFactory(user=person.account, role=COORDINATOR, institution=karang_taruna)
    return person.account


@pytest.fixture
def kt_member(karang_taruna):
    return MembershipFactory(
        person=PersonFactory(full_name="Citra Anggota A"),
        psks_type=karang_taruna.psks_type,
        institution=karang_taruna,
        position="Sekretaris",
    )


@pytest.fixture
def lebak_lks(db):
    return InstitutionFactory(name="LKS Unit B", village_code=LEBAK_VILLAGE)


@pytest.fixture
def lks_member(lebak_lks):
    return MembershipFactory(
        person=PersonFactory(full_name="Dedi Anggota B", village_code=LEBAK_VILLAGE),
        psks_type=lebak_lks.psks_type,
        institution=lebak_lks,
    )


@pytest.fixture
def lks_chair(lebak_lks):
    """Coordinator of unit B, in another regency."""
    user = UserFactory(username="ketua-b")
    RoleFactory(user=user, role=COORDINATOR, institution=lebak_lks)
    return user


@pytest.fixture
def tksk_coordinator(db):
    """The TKSK of Kec. Cipocok Jaya, coordinating the kecamatan's volunteers; no person record of their own."""
    user = UserFactory(username="tksk-cipocok")
    RoleFactory(user=user, role=COORDINATOR, district_id=CIPOCOK_JAYA)
    return user


@pytest.fixture
def forum_officer(db):
    return RoleFactory(
        user=UserFactory(username="forum"), role=RoleAssignment.Role.FORUM_OFFICER, regency_id="36.04"
    ).user
