"""The dashboards' known data set, and the forum officers who open dashboards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import RoleAssignment
from cases.models import Beneficiary, PmksCategory
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from forums.models import Event, Forum, OfficerTerm, Participation
from registry.models import Institution, Membership, Person, PsksType, Verification
from registry.tests.factories import InstitutionFactory, MembershipFactory, PersonFactory, RoleFactory, UserFactory

KRAMATWATU, CIRUAS, ANYAR = "36.04.05", "36.04.09", "36.04.30"
KRAMATWATU_VILLAGE, KRAMATWATU_VILLAGE_2 = "36.04.05.2001", "36.04.05.2002"
CIRUAS_VILLAGE, ANYAR_VILLAGE = "36.04.09.2001", "36.04.30.2001"
KOTA_SERANG_VILLAGE, LEBAK_VILLAGE = "36.73.05.1001", "36.02.14.1002"
ENDED = {"status": Membership.Status.ENDED, "end_date": dt.date(2024, 6, 30)}


@pytest.fixture
def serang_forum_chair(db):
    """Chair of the Forum PSKS of Kabupaten Serang (36.04): a forum officer, not staff."""
    return RoleFactory(
        user=UserFactory(username="ketua-forum-serang"), role=RoleAssignment.Role.FORUM_OFFICER, regency_id="36.04"
    ).user


@pytest.fixture
def province_forum_officer(db):
    """An officer of the provincial Forum PSKS Banten (a forum-officer role without a regency)."""
    return RoleFactory(
        user=UserFactory(username="pengurus-forum-banten"), role=RoleAssignment.Role.FORUM_OFFICER, regency=None
    ).user


def psks(code: str) -> PsksType:
    return PsksType.objects.get(code=code)


def member(code: str, village: str = KRAMATWATU_VILLAGE, person: dict | None = None, **fields) -> Membership:
    return MembershipFactory(
        person=PersonFactory(village_code=village, **(person or {})), psks_type=psks(code), **fields
    )


def institution(code: str, village: str = KRAMATWATU_VILLAGE, **fields) -> Institution:
    return InstitutionFactory(psks_type=psks(code), village_code=village, **fields)


def build_registry() -> None:
    """Kabupaten Serang (36.04) with rows that count and rows that must not; a little of Kota Serang and Lebak.

    Counted in Kabupaten Serang:      TKSK 1, PSM 3, Tagana 2, PKH 1, Karang Taruna 1, LKS 3 (A 1, B 1, belum 1)
      Kramatwatu: TKSK (yes) 1, PSM 2, Karang Taruna 1, LKS A 1
      Ciruas:     no TKSK, PSM 1 (assigned there, lives in Kramatwatu), PKH 1, LKS B 1 + belum 1
      Anyar:      no TKSK, Tagana 1 (lives there)
      no kecamatan: Tagana 1 (assigned to the regency, lives in Kota Serang)
    """
    member("TKSK", district_id=KRAMATWATU)
    member("PSM")
    member("PSM")
    member("PSM", district_id=CIRUAS)
    member("TAGANA", village=ANYAR_VILLAGE)
    member("TAGANA", village=KOTA_SERANG_VILLAGE, regency_id="36.04")
    member("PKH", village=CIRUAS_VILLAGE, district_id=CIRUAS)
    karang_taruna = institution("KT")
    institution("LKS", accreditation="A", accreditation_date=dt.date(2023, 5, 1))
    lks_b = institution("LKS", village=CIRUAS_VILLAGE, accreditation="B", accreditation_date=dt.date(2024, 1, 1))
    institution("LKS", village=CIRUAS_VILLAGE)
    # Members of institutions count as persons of the institution's type, never as institutions.
    member("KT", institution=karang_taruna)
    member("LKS", village=CIRUAS_VILLAGE, institution=lks_b)

    # Not counted: an unverified TKSK (Ciruas), an ended TKSK (Anyar), an unverified PSM membership,
    # an inactive PSM, a deceased Tagana; an inactive and an unverified Karang Taruna, an unverified LKS C.
    member("TKSK", village=CIRUAS_VILLAGE, district_id=CIRUAS, person={"verification": Verification.UNVERIFIED})
    member("TKSK", village=ANYAR_VILLAGE, district_id=ANYAR, **ENDED)
    member("PSM", verification=Verification.UNVERIFIED)
    member(
        "PSM",
        person={"status": Person.Status.INACTIVE, "status_date": dt.date(2024, 7, 1), "status_reason": "mundur"},
    )
    member(
        "TAGANA",
        village=ANYAR_VILLAGE,
        person={"status": Person.Status.DECEASED, "status_date": dt.date(2024, 8, 1), "status_reason": "wafat"},
    )
    institution("KT", village=KRAMATWATU_VILLAGE_2, status=Institution.Status.INACTIVE)
    institution("KT", village=CIRUAS_VILLAGE, verification=Verification.UNVERIFIED)
    institution("LKS", accreditation="C", accreditation_date=dt.date(2024, 1, 1), verification=Verification.UNVERIFIED)

    # Elsewhere: Kota Serang PSM 1 and LKS 1; Kabupaten Lebak Tagana 1 and Karang Taruna 1.
    member("PSM", village=KOTA_SERANG_VILLAGE)
    institution("LKS", village=KOTA_SERANG_VILLAGE)
    member("TAGANA", village=LEBAK_VILLAGE)
    institution("KT", village=LEBAK_VILLAGE)


@pytest.fixture
def known_data(db):
    build_registry()


def days(n: int) -> dt.date:
    """Today plus n days (negative: n days ago)."""
    return timezone.localdate() + dt.timedelta(days=n)


def term(forum: Forum, position: str, start: dt.date, end: dt.date | None = None, **fields) -> OfficerTerm:
    person = fields.pop("person", None) or PersonFactory(
        village_code=LEBAK_VILLAGE if forum.regency_id == "36.02" else KRAMATWATU_VILLAGE
    )
    return OfficerTerm.objects.create(
        forum=forum, position_id=position, person=person, start_date=start, end_date=end, **fields
    )


def event(title: str, start: dt.date, participants: list[tuple[Person, bool]] = (), **fields) -> Event:
    created = Event.objects.create(title=title, start_date=start, kind=fields.pop("kind", "bimtek"), **fields)
    for person, attended in participants:
        Participation.objects.create(event=created, person=person, attended=attended)
    return created


def build_forums() -> dict[str, object]:
    """Forums, boards and events around Kabupaten Serang, dated from today.

    Kabupaten Serang (active forums): Forum PSKS Kabupaten Serang and Forum TKSK Kramatwatu.
      Forum PSKS: Ketua "Ketua Serang" ends in 30 days (no successor), Wakil Ketua serving, Sekretaris's
        term ended 10 days ago (vacant since 9 days ago), no Bendahara ever (vacant) → 2 officers, 2 vacant, 1 ending.
      Forum TKSK Kramatwatu: Plt. Ketua, Sekretaris, Bendahara serving → 3 officers, 0 vacant.
      An inactive forum (not counted, its vacancies neither).
    Events of Kabupaten Serang in the last 12 months: Bimtek TKSK (30 days ago, 3 participants, 2 attended),
      Rakor Forum (200 days ago, 1 participant, attended), Pelatihan PSM by Dinsos (60 days ago, 2/2);
      not counted: one 400 days ago, one in 10 days.
    Elsewhere: Forum PSKS Lebak (Ketua serving) with one event; Forum PSKS Banten (province) whose Ketua's
      term ends in 20 days with a successor recorded, and Jambore PSKS Banten (100 days ago, 2 participants).
    """
    serang_psks = Forum.objects.create(
        name="Forum PSKS Kabupaten Serang", kind="forum_psks", level="regency", regency_id="36.04"
    )
    kramatwatu = Forum.objects.create(
        name="Forum TKSK Kramatwatu", kind="forum_tksk", level="district", district_id=KRAMATWATU
    )
    inactive = Forum.objects.create(
        name="Forum Lama Serang", kind="other", level="regency", regency_id="36.04", status=Forum.Status.INACTIVE
    )
    lebak = Forum.objects.create(
        name="Forum PSKS Kabupaten Lebak", kind="forum_psks", level="regency", regency_id="36.02"
    )
    banten = Forum.objects.create(name="Forum PSKS Banten", kind="forum_psks", level="province")

    chair = PersonFactory(full_name="Ketua Serang", village_code=KRAMATWATU_VILLAGE)
    term(serang_psks, "ketua", days(-1000), days(30), person=chair)
    term(serang_psks, "wakil-ketua", days(-1000))
    term(serang_psks, "sekretaris", days(-1000), days(-10))
    term(
        kramatwatu,
        "ketua",
        days(-100),
        None,
        acting=True,
        person=PersonFactory(full_name="Ketua Kramatwatu", village_code=KRAMATWATU_VILLAGE),
    )
    term(kramatwatu, "sekretaris", days(-100), days(800))
    term(kramatwatu, "bendahara", days(-100), days(800))
    term(inactive, "anggota", days(-2000), days(-1500))
    term(lebak, "ketua", days(-300), days(1000))
    term(banten, "ketua", days(-1800), days(20))
    term(banten, "ketua", days(21), days(21 + 5 * 365))  # the successor, already recorded
    term(banten, "sekretaris", days(-1800))
    term(banten, "bendahara", days(-1800))

    serang_people = [PersonFactory(full_name=f"Peserta Serang {n}", village_code=KRAMATWATU_VILLAGE) for n in range(3)]
    lebak_person = PersonFactory(full_name="Peserta Lebak", village_code=LEBAK_VILLAGE)
    bimtek = event(
        "Bimtek TKSK",
        days(-30),
        [(serang_people[0], True), (serang_people[1], True), (serang_people[2], False)],
        organiser_forum=serang_psks,
    )
    event("Rakor Forum", days(-200), [(serang_people[0], True)], kind="rakor", organiser_forum=kramatwatu)
    event(
        "Pelatihan PSM",
        days(-60),
        [(serang_people[1], True), (chair, True)],
        kind="pelatihan",
        organiser_regency_id="36.04",
    )
    event("Jambore Lama", days(-400), [(serang_people[0], True)], kind="jambore", organiser_forum=serang_psks)
    event("Rakor Mendatang", days(10), [], kind="rakor", organiser_forum=serang_psks)
    lebak_event = event("Bimtek Lebak", days(-10), [(lebak_person, True)], organiser_forum=lebak)
    jambore = event(
        "Jambore PSKS Banten", days(-100), [(serang_people[0], True), (lebak_person, False)], kind="jambore"
    )
    return {"bimtek": bimtek, "lebak_event": lebak_event, "jambore": jambore, "serang_forum": serang_psks}


@pytest.fixture
def known_forums(db):
    return build_forums()


def grow_everything(n: int = 5) -> None:
    """More of every kind of row the dashboards read, in Kabupaten Serang and elsewhere."""
    for i in range(n):
        for village in (KRAMATWATU_VILLAGE, CIRUAS_VILLAGE, ANYAR_VILLAGE, LEBAK_VILLAGE):
            member("PSM", village=village)
            member("PKH", village=village, district_id=village[:8])
            member("TAGANA", village=village)
            institution("LKS", village=village, accreditation="B", accreditation_date=dt.date(2024, 1, 1))
        institution("KT", village=f"36.04.30.20{i + 1:02d}")  # Anyar's villages, one each
        forum = Forum.objects.create(name=f"Forum Tambahan {i}", kind="other", level="regency", regency_id="36.04")
        for position in ("ketua", "sekretaris", "anggota"):
            term(forum, position, days(-50), days(40))
        people = [PersonFactory(village_code=KRAMATWATU_VILLAGE) for _p in range(3)]
        event(f"Kegiatan Tambahan {i}", days(-5 - i), [(p, True) for p in people], organiser_forum=forum)
        event(f"Kegiatan Provinsi {i}", days(-7 - i), [(people[0], False)], kind="pelatihan")


# --- PMKS cases and households ---------------------------------------------------------------------------------------

ANYAR_VILLAGE_2 = "36.04.30.2002"


def beneficiary(village: str, kk: str = "", decile: int | None = None) -> Beneficiary:
    return BeneficiaryFactory(
        village_code=village, kk_number=kk, decile=decile, decile_as_of=dt.date(2025, 1, 1) if decile else None
    )


def cases_of(person: Beneficiary, category: str, status: str, n: int = 1) -> None:
    for _n in range(n):
        CaseFactory(beneficiary=person, category=PmksCategory.objects.get(code=category), status=status)


def build_cases() -> dict[str, object]:
    """Kabupaten Serang (36.04): 14 cases, 10 beneficiaries in 6 households; a little of Kota Serang and Lebak.

    Cases (category × status):  LUT: 6 new, 1 verified, 2 closed;  AJ: 1 new;  PD: 3 intervention;  FM: 1 rejected
      Kramatwatu: 7 new (LUT 6, AJ 1), 2 closed       Ciruas: 1 verified, 3 intervention       Anyar: 1 rejected
    Households (the desil of the first member recorded, its representative; no KK: a household of its own):
      Kramatwatu: KK A, 3 members, desil 1, 1, 1 → desil 1;   KK B, desil 2 and unknown → desil 2
      Ciruas:     KK C, desil 4 and 3 → desil 4;   two without KK, desil 1 → 2 households of desil 1
      Anyar:      one without KK nor desil → unknown
      → desil 1: 3, desil 2: 1, desil 4: 1, unknown: 1; 6 households.
    Elsewhere: Kota Serang LUT 2 new (KK E, desil 1); Kabupaten Lebak AJ 1 new (no KK, desil 5).
    """
    kk_a = [beneficiary(KRAMATWATU_VILLAGE, "3604051201230001", 1) for _n in range(3)]
    kk_b = [
        beneficiary(KRAMATWATU_VILLAGE_2, "3604051201230002", 2),
        beneficiary(KRAMATWATU_VILLAGE_2, "3604051201230002"),
    ]
    kk_c = [beneficiary(CIRUAS_VILLAGE, "3604091201230003", 4), beneficiary(CIRUAS_VILLAGE, "3604091201230003", 3)]
    alone = [beneficiary(CIRUAS_VILLAGE, decile=1), beneficiary(CIRUAS_VILLAGE, decile=1)]
    anyar = beneficiary(ANYAR_VILLAGE)
    cases_of(kk_a[0], "LUT", "new", 4)
    cases_of(kk_a[1], "LUT", "new", 2)
    cases_of(kk_b[0], "AJ", "new")
    cases_of(kk_a[2], "LUT", "closed", 2)
    cases_of(kk_c[0], "LUT", "verified")
    cases_of(kk_c[1], "PD", "intervention", 2)
    cases_of(alone[0], "PD", "intervention")
    cases_of(anyar, "FM", "rejected")
    kota_serang = [beneficiary(KOTA_SERANG_VILLAGE, "3673051201230005", 1) for _n in range(2)]
    cases_of(kota_serang[0], "LUT", "new", 2)
    cases_of(beneficiary(LEBAK_VILLAGE, decile=5), "AJ", "new")
    return {"kk_a": kk_a, "alone": alone}


@pytest.fixture
def known_cases(db):
    return build_cases()


@pytest.fixture
def serang_regency_staff(db):
    """Dinsos staff of Kabupaten Serang (36.04): may see its cases, so sees exact counts."""
    return RoleFactory(
        user=UserFactory(username="staf-kabupaten-serang"), role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.04"
    ).user


def grow_cases(n: int = 5) -> None:
    """More cases and households of every kind, in Kabupaten Serang and elsewhere."""
    for i in range(n):
        for village in (KRAMATWATU_VILLAGE, CIRUAS_VILLAGE, ANYAR_VILLAGE, LEBAK_VILLAGE):
            kk = f"{village[:2]}{village[3:5]}{village[6:8]}99{i:02d}000{len(village) % 10}{i % 10}"[:16].ljust(16, "0")
            family = [beneficiary(village, kk, 1 + i), beneficiary(village, kk), beneficiary(village, decile=10)]
            cases_of(family[0], "KBA", "assessment")
            cases_of(family[2], "LUT", "closed", 2)
