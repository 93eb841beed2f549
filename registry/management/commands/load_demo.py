"""`manage.py load_demo`: a reproducible, realistic demo registry and the demo logins.

Everything is drawn from one `random.Random(seed)` over the regions ordered by code, with dates
counted back from a fixed day (`AS_OF`), so the same seed gives the same rows on any machine.
Rows are matched before they are written (persons by NIK, institutions by registration number,
memberships by person, type and institution, users by username): a second run creates nothing.
Every new row passes its field rules and `clean()` before it is bulk-inserted, all in one
transaction; the tests run the full `full_clean()` on every row the command writes.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import RoleAssignment, User
from accounts.roles import STAFF_ROLES
from regions.models import District, Province, Regency, Village, district_code_of, regency_code_of
from registry import demo_names
from registry.models import Institution, Membership, Person, PsksType, Verification
from registry.nik import FEMALE, MALE, build_nik

DEFAULT_SEED = 36
DEFAULT_PASSWORD = "demo-psks-2026"  # noqa: S105  # the published demo password, printed on every run
# The demo's "today": every date is drawn before it, so a seed gives the same rows whenever it runs.
AS_OF = dt.date(2026, 1, 1)
ADMIN_URL = "http://127.0.0.1:8000/admin/"
SITE_URL = "http://127.0.0.1:8000/"

TKSK_SHARE = 0.87  # of the kecamatan of each regency
PERSONS_PER_TYPE = {"PKH": 50, "PSM": 115, "TAGANA": 55, "PEKSOS": 15, "WPKS": 20, "PENSOS": 18, "KP": 15}
SAKTI_PER_REGENCY = 2
INSTITUTIONS_PER_TYPE = {"LKS": 28, "KT": 20, "LK3": 8, "WKSBM": 8, "DU": 10}
RETIRE_SHARE = {Person.Status.INACTIVE: 0.04, Person.Status.MOVED: 0.02}

Role = RoleAssignment.Role


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    regency_code: str | None
    first_name: str
    last_name: str


DEMO_LOGINS = [
    DemoLogin("dinsos.provinsi", Role.PROVINCE_STAFF, None, "Staf Dinsos", "Provinsi"),
    DemoLogin("dinsos.kotaserang", Role.REGENCY_STAFF, "36.73", "Staf Dinsos", "Kota Serang"),
    DemoLogin("dinsos.lebak", Role.REGENCY_STAFF, "36.02", "Staf Dinsos", "Kabupaten Lebak"),
    DemoLogin("forum.serang", Role.FORUM_OFFICER, "36.04", "Pengurus Forum PSKS", "Kabupaten Serang"),
]

# Weights of Person.Education per kind of role.
EDUCATION_MIX = {
    "general": {"sd": 10, "smp": 15, "sma": 45, "d3": 10, "s1": 18, "s2": 2},
    "officer": {"sma": 40, "d3": 15, "s1": 40, "s2": 5},
    "graduate": {"d3": 15, "s1": 78, "s2": 7},
    "professional": {"s1": 80, "s2": 20},
    "youth": {"smp": 10, "sma": 65, "d3": 10, "s1": 15},
}


@dataclass(frozen=True)
class Decree:
    number: str
    date: dt.date
    issuer: str


@dataclass
class PlannedInstitution:
    institution: Institution
    service_fields: list[str]
    chair_nik: str | None = None


@dataclass
class PlannedMembership:
    membership: Membership
    nik: str
    registration_number: str = ""


@dataclass
class DemoPlan:
    persons: list[Person] = field(default_factory=list)
    institutions: list[PlannedInstitution] = field(default_factory=list)
    memberships: list[PlannedMembership] = field(default_factory=list)


@dataclass
class SaveReport:
    created: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


@dataclass
class Regions:
    """The loaded regions of the province, ordered by code (the order every draw follows)."""

    province: Province
    regencies: list[Regency]
    districts: list[District]
    villages: list[Village]
    villages_by_district: dict[str, list[Village]]
    villages_by_regency: dict[str, list[Village]]

    @classmethod
    def load(cls, province_code: str) -> Regions:
        province = Province.objects.filter(code=province_code).first()
        villages = list(Village.objects.filter(district__regency__province_id=province_code).order_by("code"))
        if province is None or not villages:
            raise CommandError(
                f"No regions are loaded for province {province_code}: run `manage.py load_regions` first."
            )
        by_district: dict[str, list[Village]] = {}
        by_regency: dict[str, list[Village]] = {}
        for village in villages:
            by_district.setdefault(district_code_of(village.code), []).append(village)
            by_regency.setdefault(regency_code_of(village.code), []).append(village)
        return cls(
            province=province,
            regencies=list(Regency.objects.filter(code__in=by_regency).order_by("code")),
            districts=list(District.objects.filter(code__in=by_district).order_by("code")),
            villages=villages,
            villages_by_district=by_district,
            villages_by_regency=by_regency,
        )

    def regency_name(self, code: str) -> str:
        return next(r.name for r in self.regencies if r.code == code)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    return years_before(day, -years)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class DemoBuilder:
    """Draws the whole demo set in memory; the database is only read (regions, PSKS types)."""

    def __init__(self, rng: random.Random, regions: Regions, types: dict[str, PsksType], as_of: dt.date) -> None:
        self.rng = rng
        self.regions = regions
        self.types = types
        self.as_of = as_of
        self.latest_start = as_of - dt.timedelta(days=60)
        self.plan = DemoPlan()
        self._niks: set[str] = set()
        self._numbers: set[str] = set()
        self._membership_keys: set[tuple[str, str, str]] = set()

    def build(self) -> DemoPlan:
        tksk = self._tksk()
        self._psm(tksk)
        self._pkh()
        self._tagana()
        self._sakti()
        self._community_roles()
        self._institutions()
        return self.plan

    # Drawing helpers

    def _date_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def _start_after(self, person: Person, earliest: dt.date) -> dt.date:
        """A start date from `earliest` (and the person's 18th birthday) to two months before AS_OF."""
        adult = years_after(person.birth_date, 18)
        return self._date_between(max(earliest, adult), self.latest_start)

    def _moment(self, after: dt.date) -> dt.datetime:
        day = self._date_between(after, self.as_of - dt.timedelta(days=1))
        time = dt.time(self.rng.randint(8, 15), self.rng.randint(0, 59))
        return dt.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())

    def _choice(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _unique(self, pattern: str, high: int, *, low: int = 1, **fields: object) -> str:
        """`pattern` with a drawn `{n}` (low–high) and `fields` filled in, not used before in the plan."""
        while True:
            number = pattern.format(n=self.rng.randint(low, high), **fields)
            if number not in self._numbers:
                self._numbers.add(number)
                return number

    def _villages_across_regencies(self, count: int) -> list[Village]:
        """One village in each regency first, the rest anywhere; no village twice."""
        chosen = [self.rng.choice(self.regions.villages_by_regency[r.code]) for r in self.regions.regencies]
        remaining = [v for v in self.regions.villages if v not in chosen]
        chosen += self.rng.sample(remaining, max(0, count - len(chosen)))
        return chosen[:count]

    # Persons

    def _nik(self, district_code: str, birth_date: dt.date, sex: str) -> str:
        while True:
            nik = build_nik(district_code, birth_date, sex, self.rng.randint(1, 60))
            if nik not in self._niks:
                self._niks.add(nik)
                return nik

    def _person(
        self,
        village: Village,
        *,
        ages: tuple[int, int],
        female_share: float = 0.4,
        sex: str | None = None,
        education: str = "general",
    ) -> Person:
        rng = self.rng
        sex = sex or (FEMALE if rng.random() < female_share else MALE)
        latest_birth = years_before(self.as_of, ages[0])
        earliest_birth = years_before(self.as_of, ages[1] + 1) + dt.timedelta(days=1)
        birth_date = self._date_between(earliest_birth, latest_birth)
        regency_code = regency_code_of(village.code)
        name = demo_names.full_name(rng, sex, age=age_on(birth_date, self.as_of))
        person = Person(
            nik=self._nik(district_code_of(village.code), birth_date, sex),
            full_name=name,
            sex=sex,
            birth_place=demo_names.birth_place(rng, regency_code, self.regions.regency_name(regency_code)),
            birth_date=birth_date,
            village=village,
            address=demo_names.address(rng, urban=village.kind == Village.Kind.KELURAHAN),
            phone=demo_names.mobile_phone(rng) if rng.random() < 0.92 else "",
            email=demo_names.email_for(rng, name) if rng.random() < 0.35 else "",
            education=self._choice(EDUCATION_MIX[education]),
            verification=self._choice({"verified": 85, "unverified": 13, "rejected": 2}),
        )
        if person.verification != Verification.UNVERIFIED:
            person.verified_at = self._moment(after=self.as_of - dt.timedelta(days=700))
        if person.verification == Verification.REJECTED:
            person.notes = "Verifikasi ditolak: fotokopi KTP dan SK tidak terbaca; berkas diminta ulang."
        person.sync_region_columns()
        self.plan.persons.append(person)
        return person

    def _person_in_district(self, district_code: str, **kwargs) -> Person:
        return self._person(self.rng.choice(self.regions.villages_by_district[district_code]), **kwargs)

    def _retire_maybe(self, person: Person, membership: Membership) -> None:
        """A few volunteers stopped or moved away: person status with date and reason, membership ended."""
        draw = self.rng.random()
        for status, share in RETIRE_SHARE.items():
            if draw < share:
                reasons = demo_names.MOVED_REASONS if status == Person.Status.MOVED else demo_names.INACTIVE_REASONS
                person.status = status
                person.status_date = self._date_between(
                    membership.start_date + dt.timedelta(days=30), self.as_of - dt.timedelta(days=1)
                )
                person.status_reason = self.rng.choice(reasons)
                membership.status = Membership.Status.ENDED
                membership.end_date = person.status_date
                membership.status_reason = person.status_reason
                return
            draw -= share

    # Memberships

    def _membership(
        self,
        person: Person,
        type_code: str,
        *,
        start_date: dt.date,
        institution: PlannedInstitution | None = None,
        district_code: str | None = None,
        regency_code: str | None = None,
        decree: Decree | None = None,
        number: str = "",
        position: str = "",
    ) -> Membership:
        registration_number = institution.institution.registration_number if institution else ""
        key = (person.nik, type_code, registration_number)
        if key in self._membership_keys:
            raise ValueError(f"Demo plan bug: membership {key} drawn twice.")
        self._membership_keys.add(key)
        verified = person.verification == Verification.VERIFIED
        membership = Membership(
            person=person,
            psks_type=self.types[type_code],
            institution=institution.institution if institution else None,
            position=position,
            district_id=district_code,
            regency_id=regency_code,
            decree_number=decree.number if decree else "",
            decree_date=decree.date if decree else None,
            decree_issuer=decree.issuer if decree else "",
            membership_number=number,
            start_date=start_date,
            verification=Verification.VERIFIED if verified else Verification.UNVERIFIED,
            verified_at=person.verified_at if verified else None,
        )
        self.plan.memberships.append(PlannedMembership(membership, person.nik, registration_number))
        return membership

    def _province_decree(self, year: int, month: int, day: int) -> Decree:
        number = self._unique("460/Kep.{n}-Dinsos/{year}", 499, low=10, year=year)
        return Decree(number, dt.date(year, month, day), f"Kepala Dinas Sosial Provinsi {self.regions.province.name}")

    def _regency_decree(self, regency_code: str, day: dt.date) -> Decree:
        number = self._unique("460/{n:03d}/Dinsos/{year}", 999, year=day.year)
        return Decree(number, day, f"Kepala Dinas Sosial {self.regions.regency_name(regency_code)}")

    def _tksk(self) -> list[tuple[Person, dt.date]]:
        """One TKSK for most kecamatan, living there; some kecamatan also keep their former TKSK.

        Returns the active TKSK with the start of their term.
        """
        decrees = [
            self._province_decree(2019, 3, 11),
            self._province_decree(2021, 2, 15),
            self._province_decree(2023, 1, 16),
            self._province_decree(2025, 1, 20),
        ]
        former_decree = self._province_decree(2017, 2, 13)
        persons = []
        for regency in self.regions.regencies:
            districts = [d for d in self.regions.districts if d.regency_id == regency.code]
            count = max(1, round(len(districts) * TKSK_SHARE))
            for district in sorted(self.rng.sample(districts, count), key=lambda d: d.code):
                person = self._person_in_district(district.code, ages=(25, 58), female_share=0.2, education="officer")
                person.verification = Verification.VERIFIED
                person.verified_at = person.verified_at or self._moment(after=self.as_of - dt.timedelta(days=700))
                person.notes = ""
                decree = self.rng.choice(decrees)
                self._membership(person, "TKSK", start_date=decree.date, district_code=district.code, decree=decree)
                persons.append((person, decree.date))
                if decree.date.year >= 2023 and self.rng.random() < 0.1:
                    self._former_tksk(district.code, former_decree, ended=decree.date - dt.timedelta(days=1))
        return persons

    def _former_tksk(self, district_code: str, decree: Decree, *, ended: dt.date) -> None:
        person = self._person_in_district(district_code, ages=(35, 65), female_share=0.2, education="officer")
        membership = self._membership(
            person, "TKSK", start_date=decree.date, district_code=district_code, decree=decree
        )
        membership.status = Membership.Status.ENDED
        membership.end_date = ended
        membership.status_reason = "Masa tugas berakhir; tidak diusulkan kembali."
        self._psm_membership(person, earliest=dt.date(2010, 1, 1))

    def _psm_membership(self, person: Person, *, earliest: dt.date, latest: dt.date | None = None) -> Membership:
        start = self._date_between(max(earliest, years_after(person.birth_date, 18)), latest or self.latest_start)
        number = ""
        if self.rng.random() < 0.6:
            digits = person.regency_id.replace(".", "")
            number = self._unique("{digits}.{year:02d}.{n:05d}", 99999, digits=digits, year=start.year % 100)
        village = person.village
        if village.kind == Village.Kind.DESA and self.rng.random() < 0.3:
            decree = Decree(
                self._unique(
                    "141/{n:02d}/Ds.{village}/{year}", 99, village=village.name.replace(" ", ""), year=start.year
                ),
                start,
                f"Kepala Desa {village.name}",
            )
        else:
            decree = self._regency_decree(person.regency_id, start)
        return self._membership(person, "PSM", start_date=start, decree=decree, number=number)

    def _psm(self, tksk: list[tuple[Person, dt.date]]) -> None:
        """PSM across the province (some of them retired), and many TKSK who began as PSM."""
        for village in self._villages_across_regencies(PERSONS_PER_TYPE["PSM"]):
            person = self._person(village, ages=(20, 65), female_share=0.45)
            self._retire_maybe(person, self._psm_membership(person, earliest=dt.date(2008, 1, 1)))
        for person, tksk_start in tksk:
            if self.rng.random() < 0.15:
                self._psm_membership(person, earliest=dt.date(2008, 1, 1), latest=tksk_start)

    def _pkh(self) -> None:
        for _ in range(PERSONS_PER_TYPE["PKH"]):
            district = self.rng.choice(self.regions.districts)
            person = self._person_in_district(district.code, ages=(23, 45), female_share=0.6, education="graduate")
            start = self._start_after(person, dt.date(2012, 1, 1))
            number = self._unique("SK.{n:03d}/LJS.JSK/KP.05/{year}", 999, year=start.year)
            decree = Decree(number, start, "Direktur Jaminan Sosial Keluarga, Kementerian Sosial RI")
            self._membership(
                person,
                "PKH",
                start_date=start,
                district_code=district.code,
                decree=decree,
                position="Pendamping Sosial PKH",
            )

    def _tagana(self) -> None:
        for village in self._villages_across_regencies(PERSONS_PER_TYPE["TAGANA"]):
            person = self._person(village, ages=(19, 40), female_share=0.15, education="youth")
            start = self._start_after(person, dt.date(2010, 1, 1))
            digits = person.regency_id.replace(".", "")
            nia = self._unique("{digits}.{year}.{n:04d}", 9999, digits=digits, year=start.year)
            membership = self._membership(
                person,
                "TAGANA",
                start_date=start,
                regency_code=person.regency_id,
                decree=self._regency_decree(person.regency_id, start),
                number=nia,
                position=self._choice({"Tagana Muda": 6, "Tagana Madya": 3, "Tagana Utama": 1}),
            )
            self._retire_maybe(person, membership)

    def _sakti(self) -> None:
        """Sakti Peksos, placed by Kemensos in each regency; and certified social workers (Peksos)."""
        for regency in self.regions.regencies:
            for _ in range(SAKTI_PER_REGENCY):
                village = self.rng.choice(self.regions.villages_by_regency[regency.code])
                person = self._person(village, ages=(24, 45), female_share=0.55, education="professional")
                start = self._start_after(person, dt.date(2016, 1, 1))
                number = self._unique("{n}/3.1/KP.01/{year}", 999, year=start.year)
                decree = Decree(number, start, "Direktur Jenderal Rehabilitasi Sosial, Kementerian Sosial RI")
                self._membership(person, "SAKTI", start_date=start, regency_code=regency.code, decree=decree)
        for village in self._villages_across_regencies(PERSONS_PER_TYPE["PEKSOS"]):
            person = self._person(village, ages=(25, 55), female_share=0.55, education="professional")
            start = self._start_after(person, dt.date(2015, 1, 1))
            certificate = self._unique("{n:04d}/SERT-PEKSOS/LSPS/{year}", 9999, year=start.year)
            level = self._choice(
                {"Pekerja Sosial Generalis": 6, "Asisten Pekerja Sosial": 3, "Pekerja Sosial Spesialis": 1}
            )
            self._membership(
                person,
                "PEKSOS",
                start_date=start,
                decree=Decree("", start, "Lembaga Sertifikasi Pekerjaan Sosial"),
                number=certificate,
                position=level,
            )

    def _community_roles(self) -> None:
        """WPKS (women leaders), Penyuluh Sosial and Keluarga Pioner."""
        roles = [
            ("WPKS", {"ages": (30, 60), "sex": FEMALE}, {"Kader PKK": 3, "Ketua Majelis Taklim": 2, "": 2}),
            (
                "PENSOS",
                {"ages": (30, 60), "female_share": 0.45, "education": "officer"},
                {"Penyuluh Sosial Masyarakat": 4, "Penyuluh Sosial Ahli Pertama": 1},
            ),
            ("KP", {"ages": (30, 60), "female_share": 0.3}, {"Kepala keluarga": 1}),
        ]
        for type_code, person_options, positions in roles:
            for village in self._villages_across_regencies(PERSONS_PER_TYPE[type_code]):
                person = self._person(village, **person_options)
                start = self._start_after(person, dt.date(2012, 1, 1))
                membership = self._membership(
                    person,
                    type_code,
                    start_date=start,
                    decree=self._regency_decree(person.regency_id, start),
                    position=self._choice(positions),
                )
                self._retire_maybe(person, membership)

    # Institutions

    def _institution(
        self,
        type_code: str,
        village: Village,
        name: str,
        *,
        registered: dt.date,
        service_fields: list[str],
    ) -> PlannedInstitution:
        rng = self.rng
        regency_code = regency_code_of(village.code)
        digits = regency_code.replace(".", "")
        number = self._unique(
            "460/{n:04d}/{type}/Dinsos-{digits}/{year}",
            9999,
            low=100,
            type=type_code,
            digits=digits,
            year=registered.year,
        )
        institution = Institution(
            psks_type=self.types[type_code],
            name=name,
            village=village,
            address=demo_names.address(rng, urban=village.kind == Village.Kind.KELURAHAN),
            registration_number=number,
            registration_date=registered,
            phone=demo_names.office_phone(rng, regency_code) if rng.random() < 0.8 else "",
            verification=self._choice({"verified": 85, "unverified": 15}),
        )
        if institution.verification == Verification.VERIFIED:
            institution.verified_at = self._moment(after=registered)
        institution.sync_region_columns()
        planned = PlannedInstitution(institution, service_fields)
        self.plan.institutions.append(planned)
        return planned

    def _roster(
        self,
        planned: PlannedInstitution,
        *,
        members: int,
        chair: bool = True,
        ages: tuple[int, int] = (22, 60),
        decree: Decree | None = None,
    ) -> None:
        """The chair (if any) and a few members, living in the institution's village."""
        institution = planned.institution
        type_code = institution.psks_type_id
        positions = demo_names.POSITIONS[type_code]
        slots = ([demo_names.CHAIR_POSITIONS[type_code]] if chair else []) + [
            positions[i % len(positions)] for i in range(members)
        ]
        for index, position in enumerate(slots):
            person = self._person(institution.village, ages=ages, female_share=0.4)
            start = self._date_between(
                max(institution.registration_date, years_after(person.birth_date, 18)), self.latest_start
            )
            self._membership(person, type_code, start_date=start, institution=planned, decree=decree, position=position)
            if chair and index == 0:
                planned.chair_nik = person.nik

    def _institutions(self) -> None:
        self._lks()
        self._karang_taruna()
        self._lk3()
        self._wksbm()
        self._dunia_usaha()

    def _lks(self) -> None:
        rng = self.rng
        names: set[str] = set()
        for village in self._villages_across_regencies(INSTITUTIONS_PER_TYPE["LKS"]):
            prefix, fields = rng.choice(demo_names.LKS_KINDS)
            words = demo_names.ISLAMIC_INSTITUTION_NAMES if rng.random() < 0.7 else demo_names.SECULAR_INSTITUTION_NAMES
            name = f"{prefix} {rng.choice(words)}"
            if name in names:
                name = f"{name} {village.name}"
            names.add(name)
            registered = self._date_between(dt.date(2012, 1, 1), self.latest_start)
            planned = self._institution("LKS", village, name, registered=registered, service_fields=fields)
            institution = planned.institution
            if rng.random() < 0.65:
                institution.legal_entity = True
                institution.legal_entity_number = f"AHU-{rng.randint(1, 99999):07d}.AH.01.04.Tahun {registered.year}"
            institution.accreditation = self._choice({"A": 10, "B": 25, "C": 25, "none": 40})
            if institution.accreditation != Institution.Accreditation.NONE:
                institution.accreditation_date = self._date_between(registered, self.latest_start)
            self._roster(planned, members=rng.randint(1, 3), chair=rng.random() < 0.8, ages=(25, 65))

    def _karang_taruna(self) -> None:
        for village in self._villages_across_regencies(INSTITUTIONS_PER_TYPE["KT"]):
            term_start = self._date_between(dt.date(2021, 1, 1), self.latest_start)
            planned = self._institution(
                "KT",
                village,
                f"Karang Taruna {village.name}",
                registered=term_start,
                service_fields=["pemuda", *(["kebencanaan"] if self.rng.random() < 0.4 else [])],
            )
            head = "Lurah" if village.kind == Village.Kind.KELURAHAN else "Kepala Desa"
            number = self._unique("400.9/{n:02d}/SK-KT/{year}", 99, year=term_start.year)
            decree = Decree(number, term_start, f"{head} {village.name}")
            self._roster(planned, members=self.rng.randint(1, 3), ages=(19, 40), decree=decree)

    def _lk3(self) -> None:
        for regency in self.regions.regencies:
            village = self.rng.choice(self.regions.villages_by_regency[regency.code])
            name = f"LK3 {self.rng.choice(demo_names.LK3_NAMES)} {regency.name}"
            registered = self._date_between(dt.date(2014, 1, 1), self.latest_start)
            planned = self._institution(
                "LK3", village, name, registered=registered, service_fields=["keluarga", "perempuan", "anak"]
            )
            self._roster(planned, members=2, ages=(28, 60))

    def _wksbm(self) -> None:
        for village in self._villages_across_regencies(INSTITUTIONS_PER_TYPE["WKSBM"]):
            kind = "Kelurahan" if village.kind == Village.Kind.KELURAHAN else "Desa"
            registered = self._date_between(dt.date(2015, 1, 1), self.latest_start)
            planned = self._institution(
                "WKSBM",
                village,
                f"WKSBM {kind} {village.name}",
                registered=registered,
                service_fields=["kemiskinan", "lansia", "keluarga"],
            )
            self._roster(planned, members=1, ages=(30, 65))

    def _dunia_usaha(self) -> None:
        companies = self.rng.sample(demo_names.COMPANY_NAMES, INSTITUTIONS_PER_TYPE["DU"])
        villages = self._villages_across_regencies(INSTITUTIONS_PER_TYPE["DU"])
        for company, village in zip(companies, villages, strict=True):
            registered = self._date_between(dt.date(2015, 1, 1), self.latest_start)
            planned = self._institution(
                "DU",
                village,
                company,
                registered=registered,
                service_fields=self.rng.sample(["kemiskinan", "anak", "kebencanaan", "disabilitas", "lansia"], 2),
            )
            institution = planned.institution
            institution.legal_entity = True
            institution.legal_entity_number = f"AHU-{self.rng.randint(1, 99999):07d}.AH.01.01.Tahun {registered.year}"
            institution.email = f"csr@{slug(company.removeprefix('PT ').removeprefix('CV '))[:20]}.co.id"
            institution.notes = "Program CSR: " + "; ".join(self.rng.sample(demo_names.CSR_PROGRAMMES, 2)) + "."
            self._roster(planned, members=1, chair=False, ages=(28, 55))


# Writing


def chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def validated(objects: Iterable[models.Model]) -> list[models.Model]:
    """Field rules and `clean()` of every row before it is written; the first invalid one stops the command.

    Foreign keys point at rows just read or written, and the plan keeps the unique and one-per-area
    constraints by construction (checked against the database in bulk where rows may already exist),
    so the per-row queries of those checks are skipped; the tests run the full `full_clean()`.
    """
    result = []
    for obj in objects:
        relations = [f.name for f in obj._meta.fields if f.is_relation]
        try:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise CommandError(f"Demo {obj._meta.verbose_name} {obj} is invalid: {exc.message_dict}") from exc
        result.append(obj)
    return result


def mark_verifier(objects: Iterable[models.Model], verifier: User | None) -> None:
    for obj in objects:
        if obj.verification != Verification.UNVERIFIED:
            obj.verified_by = verifier


def save_persons(plan: DemoPlan, verifier: User | None, report: SaveReport) -> dict[str, Person]:
    niks = [p.nik for p in plan.persons]
    existing = Person.objects.in_bulk(niks, field_name="nik")
    new = [p for p in plan.persons if p.nik not in existing]
    mark_verifier(new, verifier)
    created = bulk_create_with_history(validated(new), Person, batch_size=500, default_user=verifier)
    report.created["persons"] += len(created)
    report.present["persons"] += len(existing)
    return {**existing, **{p.nik: p for p in created}}


def existing_institutions(plan: DemoPlan) -> dict[str, Institution]:
    """Demo institutions already present: by registration number, or the village's active Karang Taruna."""
    numbers = [p.institution.registration_number for p in plan.institutions]
    found: dict[str, Institution] = {}
    for batch in chunks(numbers):
        found.update((i.registration_number, i) for i in Institution.objects.filter(registration_number__in=batch))
    kt_villages = [p.institution.village_id for p in plan.institutions if p.institution.psks_type_id == "KT"]
    active_kt = {
        i.village_id: i
        for i in Institution.objects.filter(
            psks_type="KT", status=Institution.Status.ACTIVE, village_id__in=kt_villages
        )
    }
    for planned in plan.institutions:
        institution = planned.institution
        if institution.registration_number not in found and institution.village_id in active_kt:
            found[institution.registration_number] = active_kt[institution.village_id]
    return found


def save_institutions(
    plan: DemoPlan, persons: dict[str, Person], verifier: User | None, report: SaveReport
) -> dict[str, Institution]:
    existing = existing_institutions(plan)
    new = [p for p in plan.institutions if p.institution.registration_number not in existing]
    for planned in new:
        planned.institution.chair = persons[planned.chair_nik] if planned.chair_nik else None
    mark_verifier((p.institution for p in new), verifier)
    created = bulk_create_with_history(
        validated(p.institution for p in new), Institution, batch_size=500, default_user=verifier
    )
    links = [
        Institution.service_fields.through(institution_id=planned.institution.pk, servicefield_id=code)
        for planned in new
        for code in planned.service_fields
    ]
    Institution.service_fields.through.objects.bulk_create(links, batch_size=500)
    report.created["institutions"] += len(created)
    report.created["service fields"] += len(links)
    report.present["institutions"] += len(existing)
    return {**existing, **{i.registration_number: i for i in created}}


def existing_membership_keys(person_ids: list[int]) -> set[tuple[int, str, int | None]]:
    keys: set[tuple[int, str, int | None]] = set()
    for batch in chunks(person_ids):
        keys.update(
            Membership.objects.filter(person_id__in=batch).values_list("person_id", "psks_type_id", "institution_id")
        )
    return keys


def save_memberships(
    plan: DemoPlan,
    persons: dict[str, Person],
    institutions: dict[str, Institution],
    verifier: User | None,
    report: SaveReport,
) -> None:
    existing = existing_membership_keys(sorted({p.pk for p in persons.values()}))
    tksk_holders = set(
        Membership.objects.filter(psks_type="TKSK", status=Membership.Status.ACTIVE).values_list(
            "district_id", flat=True
        )
    )
    taken_numbers = set(
        Membership.objects.exclude(membership_number="").values_list("psks_type_id", "membership_number")
    )
    new, skipped_tksk = [], 0
    for planned in plan.memberships:
        membership = planned.membership
        membership.person = persons[planned.nik]
        membership.institution = institutions[planned.registration_number] if planned.registration_number else None
        if (membership.person.pk, membership.psks_type_id, membership.institution_id) in existing:
            report.present["memberships"] += 1
            continue
        is_active_tksk = membership.psks_type_id == "TKSK" and membership.status == Membership.Status.ACTIVE
        if is_active_tksk and membership.district_id in tksk_holders:
            skipped_tksk += 1
            continue
        if (membership.psks_type_id, membership.membership_number) in taken_numbers:
            membership.membership_number = ""
        membership.sync_region_columns()
        new.append(membership)
    mark_verifier(new, verifier)
    created = bulk_create_with_history(validated(new), Membership, batch_size=500, default_user=verifier)
    report.created["memberships"] += len(created)
    if skipped_tksk:
        report.notes.append(f"{skipped_tksk} TKSK not added: their kecamatan already has an active TKSK.")


@dataclass
class LoginRow:
    username: str
    password: str
    role: str
    region: str
    staff: bool = True


class DemoPassword:
    """The demo password, hashed once and checked once per stored hash: the hasher is slow on purpose."""

    CHANGED = "(changed)"

    def __init__(self, password: str) -> None:
        self.password = password
        self._hashed = ""
        self._checked: dict[str, bool] = {}

    @property
    def hashed(self) -> str:
        if not self._hashed:
            self._hashed = make_password(self.password)
        return self._hashed

    def shown_for(self, encoded: str) -> str:
        """The password to print for a login that kept its stored hash."""
        if encoded not in self._checked:
            self._checked[encoded] = check_password(self.password, encoded)
        return self.password if self._checked[encoded] else self.CHANGED


def save_logins(
    regions: Regions, password: DemoPassword, *, reset_passwords: bool, report: SaveReport
) -> tuple[list[LoginRow], User | None]:
    """The demo logins and their roles; existing users keep their password unless asked to reset it."""
    regency_names = {r.code: r.name for r in regions.regencies}
    rows, province_user = [], None
    for login in DEMO_LOGINS:
        if login.regency_code and login.regency_code not in regency_names:
            report.notes.append(f"Login {login.username} skipped: regency {login.regency_code} is not loaded.")
            continue
        user = User.objects.filter(username=login.username).first()
        shown = password.password
        if user is None:
            user = User(
                username=login.username,
                first_name=login.first_name,
                last_name=login.last_name,
                email=f"{login.username}@example.org",
                password=password.hashed,
            )
            validated([user])
            user.save()
            report.created["users"] += 1
        else:
            report.present["users"] += 1
            if reset_passwords:
                user.password = password.hashed
                user.save(update_fields=["password"])
            else:
                shown = password.shown_for(user.password)
        _, created = RoleAssignment.objects.get_or_create(user=user, role=login.role, regency_id=login.regency_code)
        report.created["roles"] += int(created)
        report.present["roles"] += int(not created)
        if login.role == Role.PROVINCE_STAFF:
            province_user = user
        region = regency_names.get(login.regency_code or "", f"Provinsi {regions.province.name} (semua)")
        staff = login.role in STAFF_ROLES
        rows.append(LoginRow(login.username, shown, str(Role(login.role).label), region, staff=staff))
    return rows, province_user


# Volunteer-site logins, linked to demo persons of Kota Serang.
VOLUNTEER_REGENCY = "36.73"


def _login_for_person(
    username: str, person: Person, password: DemoPassword, *, reset_passwords: bool, report: SaveReport
) -> tuple[User, str]:
    user = User.objects.filter(username=username).first()
    shown = password.password
    if user is None:
        first, _, last = person.full_name.partition(" ")
        user = User(username=username, first_name=first, last_name=last, email=person.email, password=password.hashed)
        validated([user])
        user.save()
        report.created["users"] += 1
    else:
        report.present["users"] += 1
        if reset_passwords:
            user.password = password.hashed
            user.save(update_fields=["password"])
        else:
            shown = password.shown_for(user.password)
    if person.account_id is None:
        Person.objects.filter(pk=person.pk).update(account=user)
    return user, shown


def save_volunteer_logins(
    regions: Regions, password: DemoPassword, *, reset_passwords: bool, report: SaveReport
) -> list[LoginRow]:
    """A PSM volunteer, and a unit coordinator (chair of a Karang Taruna) with their unit."""
    if VOLUNTEER_REGENCY not in {r.code for r in regions.regencies}:
        report.notes.append("Volunteer logins skipped: Kota Serang is not loaded.")
        return []
    rows = []
    active = Membership.objects.filter(
        status=Membership.Status.ACTIVE, verification=Verification.VERIFIED, person__status=Person.Status.ACTIVE
    )
    volunteer = (
        Person.objects.filter(
            Q(account__username="relawan.psm")
            | Q(pk__in=active.filter(psks_type="PSM", institution=None).values("person_id")),
            regency_id=VOLUNTEER_REGENCY,
        )
        .order_by(F("account_id").desc(nulls_last=True), "district_id", "nik")
        .first()
    )
    if volunteer is not None:
        _, shown = _login_for_person("relawan.psm", volunteer, password, reset_passwords=reset_passwords, report=report)
        rows.append(LoginRow("relawan.psm", shown, f"relawan PSM ({volunteer.full_name})", "Kota Serang", staff=False))
    unit = (
        Institution.objects.filter(
            psks_type="KT", regency_id=VOLUNTEER_REGENCY, status=Institution.Status.ACTIVE, chair__isnull=False
        )
        .select_related("chair")
        .order_by("registration_number")
        .first()
    )
    if unit is not None:
        user, shown = _login_for_person(
            "koordinator.kt", unit.chair, password, reset_passwords=reset_passwords, report=report
        )
        _, created = RoleAssignment.objects.get_or_create(user=user, role=Role.UNIT_COORDINATOR, institution=unit)
        report.created["roles"] += int(created)
        report.present["roles"] += int(not created)
        rows.append(LoginRow("koordinator.kt", shown, f"koordinator unit ({unit.name})", "Kota Serang", staff=False))
    return rows


class Command(BaseCommand):
    help = (
        "Load a reproducible demo registry (persons, memberships, institutions) for the configured province "
        "and the demo logins. Idempotent: a second run creates nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}).")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"Password of new demo logins (default {DEFAULT_PASSWORD})."
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Also set the password of demo logins that already exist.",
        )

    def handle(self, *args, seed: int, password: str, reset_passwords: bool, **options) -> None:
        regions = Regions.load(settings.PROVINCE_CODE)
        types = {t.code: t for t in PsksType.objects.all()}
        as_of = min(AS_OF, timezone.localdate())
        plan = DemoBuilder(random.Random(seed), regions, types, as_of).build()
        report = SaveReport()
        with transaction.atomic():
            logins, verifier = save_logins(
                regions, DemoPassword(password), reset_passwords=reset_passwords, report=report
            )
            persons = save_persons(plan, verifier, report)
            institutions = save_institutions(plan, persons, verifier, report)
            save_memberships(plan, persons, institutions, verifier, report)
            logins += save_volunteer_logins(
                regions, DemoPassword(password), reset_passwords=reset_passwords, report=report
            )
        self._print_report(regions, plan, types, seed, as_of, report)
        self._print_logins(logins)

    def _print_report(
        self,
        regions: Regions,
        plan: DemoPlan,
        types: dict[str, PsksType],
        seed: int,
        as_of: dt.date,
        report: SaveReport,
    ) -> None:
        self.stdout.write(f"Demo data for {regions.province.name} (seed {seed}, dates up to {as_of:%Y-%m-%d}):")
        labels = {
            "persons": "relawan (persons)",
            "institutions": "lembaga (institutions)",
            "service fields": "bidang pelayanan (links)",
            "memberships": "keanggotaan (memberships)",
            "users": "akun login (users)",
            "roles": "peran (role assignments)",
        }
        for key, label in labels.items():
            present = f", {report.present[key]} already present" if key != "service fields" else ""
            self.stdout.write(f"  {label:<28} {report.created[key]:>5} created{present}")
        active = Counter(
            (p.membership.psks_type_id, p.nik)
            for p in plan.memberships
            if p.membership.status == Membership.Status.ACTIVE and p.membership.institution is None
        )
        units = Counter(type_code for type_code, _ in active)  # persons (or families) per type
        units.update(p.institution.psks_type_id for p in plan.institutions)  # institutions per type
        self.stdout.write(
            "  in the demo set (persons with an active membership; institutions): "
            + ", ".join(f"{code} {units[code]}" for code in types if units[code])
            + f"; TKSK in {units['TKSK']} of {len(regions.districts)} kecamatan"
        )
        missing = [code for code in types if not units[code]]
        if missing:
            self.stdout.write(self.style.WARNING(f"  no demo data for PSKS types: {', '.join(missing)}"))
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  {note}"))
        self.stdout.write(self.style.SUCCESS(f"Total: {sum(report.created.values())} created"))

    def _print_logins(self, logins: list[LoginRow]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins — staff admin: {ADMIN_URL} (site: {SITE_URL})")
        header = LoginRow("username", "password", "role", "region")
        widths = [max(len(getattr(row, f)) for row in [header, *logins]) for f in ("username", "password", "role")]
        for row in [header, *logins]:
            self.stdout.write(
                f"  {row.username:<{widths[0]}}  {row.password:<{widths[1]}}  {row.role:<{widths[2]}}  {row.region}"
            )
        if any(row.password == DemoPassword.CHANGED for row in logins):
            self.stdout.write(
                "  (changed): the login exists with another password; `manage.py load_demo --reset-passwords` resets it."
            )
        volunteers = [row.username for row in logins if not row.staff]
        if volunteers:
            self.stdout.write(
                f"  {', '.join(volunteers)}: no staff role, so they log in at {SITE_URL}, not in the admin."
            )
