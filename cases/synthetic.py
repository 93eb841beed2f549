"""A synthetic province for scale work (`manage.py seed_synthetic`, bench/cases.py).

Everything is drawn from one `random.Random(seed)` over the loaded regions ordered by code, with every
moment counted back from a fixed day (`as_of`): the same seed and day give the same rows, ids included.

- Logins: 2 regency staff per kabupaten/kota (they verify, assess and close cases) and a few hundred
  volunteer logins, each linked to a synthetic TKSK or PSM person (they report cases). Usernames start
  with `sintetis-`; passwords are unusable.
- Persons (12,000 by default): spread over the villages like the beneficiaries; an active TKSK in about
  95 % of the kecamatan, about half of the others PSM of their kecamatan, the rest Tagana, PKH, Pekerja
  Sosial …; `notes` says they are synthetic.
- Beneficiaries in households: household members share a village, an address, a No. KK (when they have
  a NIK), the house's conditions, the DTKS status and the decile. About 30 % have no NIK (more among
  street cases); NIKs are valid (`registry.nik.build_nik`) and unique. Categories are weighted as Dinsos
  sees them (fakir miskin, lanjut usia telantar and penyandang disabilitas first) and ages and sex follow
  the category.
- Cases: one per beneficiary and a second one for about 10 %, opened over the last three years (more of
  them recently), reported by a volunteer login of the regency, assigned to a TKSK/PSM of the kecamatan.
  Each timeline has 1–5 entries: the report, the transitions of `cases.services.TRANSITIONS` (authors,
  reasons, outcomes, times in order), notes and visits. Cases that reached `intervensi` have an
  enrolment in a programme that fits the category; in Kota Cilegon some households are doubly aided
  (Jaminan Sosial Cilegon Bermartabat beside PKH), which `services.double_aid` flags.

Region columns and `name_key` are filled as the models' `save()` fills them, and households
(`Beneficiary.represented_by`) as `cases.services.refresh_households` marks them: a household's first
member with the No. KK represents it (its lowest id). No. KKs are drawn unique, like NIKs; with `--force`
over other beneficiaries, one of theirs is not checked against them. No django-simple-history
rows are written: synthetic data has no history to show, and a million historical rows would only slow
the load. Rows are written with PostgreSQL `COPY` in chunks (bounded memory); on PostgreSQL, when the
cases tables are empty, their secondary indexes and keys are dropped first and built again after the
load, inside the same transaction. Other databases (SQLite, for the tests) get plain multi-row inserts.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import io
import math
import queue
import random
import re
import threading
import time
import zoneinfo
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import models
from django.utils import translation

from accounts.models import RoleAssignment, User
from cases.models import Beneficiary, Case, CaseEntry, CasePhoto, Intervention, PmksCategory, Programme
from cases.names import name_key
from cases.services import TRANSITIONS
from regions.models import Regency, Village
from registry import demo_names
from registry.models import Membership, Person, PsksType
from registry.nik import FEMALE, MALE

DEFAULT_SEED = 20261123
USER_PREFIX = "sintetis-"
PERSON_NOTE = "Data sintetis (seed_synthetic)."
YEARS_OF_CASES = 3
CHUNK = 20_000  # beneficiaries per chunk: about 100,000 rows of all tables, a few tens of MB

# Plain strings (the choices' values): written out a few million times.
S = type("S", (), {m.name: m.value for m in Case.Status})
K = type("K", (), {m.name: m.value for m in CaseEntry.Kind})
OPEN_STATUSES = frozenset(str(s) for s in Case.OPEN_STATUSES)

# Rough population of the Banten regencies (millions) × how often Dinsos meets PMKS there.
REGENCY_WEIGHT = {
    "36.01": 1.3 * 1.6,
    "36.02": 1.4 * 1.6,
    "36.03": 3.3 * 0.9,
    "36.04": 1.7 * 1.2,
    "36.71": 1.9 * 0.8,
    "36.72": 0.45 * 1.0,
    "36.73": 0.72 * 1.1,
    "36.74": 1.4 * 0.6,
}

# Category of a case: weight, ages, share of women (None: half), share with a NIK.
CATEGORIES: dict[str, tuple[float, tuple[int, int], float | None, float]] = {
    "FM": (30, (25, 80), None, 0.80),
    "LUT": (17, (60, 95), 0.6, 0.65),
    "PD": (12, (18, 80), None, 0.75),
    "PRSE": (6, (20, 59), 1.0, 0.80),
    "AT": (4, (6, 17), None, 0.60),
    "KBA": (4, (1, 85), None, 0.80),
    "ADK": (3, (3, 17), None, 0.75),
    "ABT": (2, (0, 5), None, 0.50),
    "AJ": (2, (8, 17), 0.3, 0.30),
    "GLD": (2, (18, 75), 0.3, 0.25),
    "PGM": (2, (18, 80), 0.5, 0.30),
    "PML": (2, (15, 70), 0.3, 0.40),
    "KTK": (2, (15, 60), 0.8, 0.80),
    "KBSP": (2, (20, 60), None, 0.80),
    "ODHA": (1, (18, 60), None, 0.70),
    "NAPZA": (1, (15, 45), 0.15, 0.70),
    "ABH": (1, (12, 17), 0.15, 0.80),
    "AKTK": (1, (5, 17), None, 0.75),
    "AMPK": (1, (3, 17), None, 0.70),
    "PMBS": (1, (20, 50), 0.7, 0.85),
    "KBS": (1, (5, 75), None, 0.80),
    "BWBLP": (0.5, (20, 60), 0.1, 0.85),
    "TS": (0.5, (18, 45), 0.95, 0.50),
    "KTRF": (0.5, (15, 35), 0.8, 0.70),
    "KMN": (0.3, (18, 70), None, 0.60),
    "KAT": (0.2, (5, 80), None, 0.40),
}
# Programmes that fit a category (the first ones more often); anything else gets social rehabilitation.
PROGRAMMES = {
    "FM": ["pkh", "bpnt", "jamsosratu", "kube", "rtlh"],
    "LUT": ["aslut", "pkh", "bpnt"],
    "PD": ["aspdb", "pkh", "rehsos"],
    "ADK": ["aspdb", "pkh"],
    "PRSE": ["kube", "bpnt", "jamsosratu"],
    "KBA": ["tanggap-darurat", "rtlh"],
    "KBS": ["tanggap-darurat"],
    "AT": ["pkh", "rehsos"],
    "ABT": ["pkh", "rehsos"],
}
CILEGON = "36.72"
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


class Weighted:
    """A weighted draw, prepared once: `Weighted({"a": 3, "b": 1}).draw(rng)`."""

    def __init__(self, weights: dict) -> None:
        self.keys = list(weights)
        self.cum = list(_accumulate([float(w) for w in weights.values()]))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random):
        return self.keys[bisect.bisect(self.cum, rng.random() * self.total)]


def _accumulate(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


SOURCES = Weighted(
    {Case.Source.VOLUNTEER.value: 60, Case.Source.OUTREACH.value: 15, Case.Source.PUBLIC.value: 15}
    | {Case.Source.REFERRAL.value: 10}
)
PRIORITIES = Weighted({1: 15, 2: 60, 3: 20, 4: 5})  # Case.Priority
# Where a case ends up if time allows (transitions happen every 1–3 weeks).
TARGETS = Weighted({"new": 8, "verified": 10, "assessment": 12, "intervention": 18, "closed": 42, "rejected": 10})
STEPS_BEFORE_REJECTION = Weighted({0: 40, 1: 30, 2: 20, 3: 10})
PERSON_STATUSES = Weighted({"active": 94, "inactive": 3, "moved": 2, "deceased": 1})
VERIFICATIONS = Weighted({"verified": 88, "unverified": 9, "rejected": 3})
EDUCATION = Weighted({"sma": 50, "smp": 15, "sd": 8, "d3": 10, "s1": 15, "s2": 2})
HOUSEHOLD_SIZES = Weighted({1: 55, 2: 25, 3: 13, 4: 7})
HOUSES = Weighted({"fit": 45, "rtlh": 35, "unknown": 20})
ELECTRICITY = Weighted({"pln_own": 50, "pln_shared": 25, "non_pln": 5, "none": 3, "unknown": 17})
TOILETS = Weighted({"own": 55, "shared": 20, "none": 10, "unknown": 15})
CLEAN_WATER = Weighted({"yes": 60, "no": 20, "unknown": 20})
DTKS = Weighted({"yes": 55, "no": 25, "unknown": 20})
DECILE_SOURCES = Weighted({"dtsen": 70, "dtks": 20, "field": 10})
DISABILITIES = Weighted({"physical": 45, "intellectual": 15, "mental": 15, "sensory": 20, "multiple": 5})
OPEN_ENROLMENT = Weighted({"active": 85, "planned": 15})
CLOSED_ENROLMENT = Weighted({"done": 55, "active": 45})  # PKH, BPNT, ASLUT go on after the case is closed
FORWARD = [S.VERIFIED, S.ASSESSMENT, S.INTERVENTION, S.CLOSED]
OUTCOMES = Weighted(
    {"served": 70, "referred": 10, "returned": 6, "moved": 5, "deceased": 4, "not_found": 3, "other": 2}
)
REJECTIONS = [
    "Tidak memenuhi kriteria PMKS setelah diverifikasi.",
    "Data ganda dengan laporan sebelumnya.",
    "Tidak ditemukan di alamat yang dilaporkan.",
    "Sudah ditangani oleh lembaga lain.",
    "Keluarga menolak didampingi.",
]
REOPEN_REASONS = ["Keluarga meminta pendampingan lagi.", "Ditemukan kembali di lokasi baru."]
NOTES = [
    "Koordinasi dengan kepala desa untuk kelengkapan dokumen.",
    "Menunggu surat keterangan tidak mampu dari kelurahan.",
    "Keluarga dihubungi lewat telepon; kondisi stabil.",
    "Dokumen KK dan KTP sudah difoto dan dilampirkan.",
    "Diusulkan masuk DTSEN pada pemutakhiran berikutnya.",
]
VISITS = [
    "Kunjungan rumah: kondisi sesuai laporan.",
    "Kunjungan bersama pendamping PKH; penerima ada di rumah.",
    "Asesmen kebutuhan dilakukan bersama keluarga.",
    "Penerima tidak ada di rumah; bertemu tetangga.",
    "Kondisi rumah didokumentasikan untuk usulan RTLH.",
]
DESCRIPTIONS = {
    "FM": [
        "Keluarga tanpa penghasilan tetap, tinggal di {place}; anak-anak putus sekolah.",
        "Kepala keluarga buruh harian lepas, penghasilan tidak menentu; rumah di {place}.",
    ],
    "LUT": [
        "Lansia tinggal sendiri di {place}, tidak ada keluarga yang merawat.",
        "Lansia sakit-sakitan, makan bergantung pada tetangga di {place}.",
    ],
    "PD": [
        "Penyandang disabilitas belum memiliki alat bantu; tinggal di {place}.",
        "Disabilitas sejak lahir, belum pernah mendapat layanan; alamat {place}.",
    ],
    "AJ": ["Anak ditemukan mengamen di perempatan dekat {place}."],
    "GLD": ["Ditemukan tidur di emperan pasar dekat {place}."],
    "PGM": ["Mengemis di depan masjid dekat {place} setiap hari Jumat."],
    "KBA": ["Rumah rusak akibat banjir di {place}; keluarga mengungsi ke rumah saudara."],
}
GENERIC_DESCRIPTION = "Dilaporkan oleh warga sebagai {category} di {place}; perlu verifikasi lapangan."
DECILES = Weighted({1: 30, 2: 22, 3: 15, 4: 10, 5: 8, 6: 5, 7: 4, 8: 3, 9: 2, 10: 1})
PERSON_TYPES = {"PSM": 50, "TAGANA": 14, "PKH": 11, "PEKSOS": 4, "WPKS": 3, "PENSOS": 3, "SAKTI": 1}


# --- Names -------------------------------------------------------------------------------------------------------------


class Names:
    """`registry.demo_names.full_name`, with its word lists prepared once (it runs a million times here)."""

    def __init__(self) -> None:
        self.lists = {}
        for sex, given, second, middle, title in (
            (FEMALE, demo_names.FEMALE_GIVEN_NAMES, demo_names.FEMALE_SECOND_NAMES, ["Siti", "Nur", "Dewi"], "Hj."),
            (MALE, demo_names.MALE_GIVEN_NAMES, demo_names.MALE_SECOND_NAMES, ["Muhammad", "Ahmad"], "H."),
        ):
            seconds = {g: [n for n in second if not n.startswith(g)] for g in given}
            self.lists[sex] = (given, seconds, middle, title, second)
        self._keys: dict[str, str] = {}

    def full_name(self, rng: random.Random, sex: str, age: int) -> str:
        """`Asep Saepudin`, sometimes three or four words, `H.`/`Hj.` for some elders."""
        given_names, seconds, middle, title, second_names = self.lists[sex]
        draw = rng.random
        given = given_names[int(draw() * len(given_names))]
        second = seconds[given]
        name = f"{given} {second[int(draw() * len(second))]}"
        if draw() < 0.12 and given not in middle:
            name = f"{middle[int(draw() * len(middle))]} {name}"
        if draw() < 0.3:  # a father's or family name: more distinct names among a million
            name = f"{name} {second_names[int(draw() * len(second_names))]}"
        if age >= 45 and rng.random() < 0.15:
            name = f"{title} {name}"
        return name

    def key(self, name: str) -> str:
        """`cases.names.name_key`, as `Beneficiary.save()` stores it (remembered: names repeat)."""
        key = self._keys.get(name)
        if key is None:
            if len(self._keys) > 500_000:
                self._keys.clear()
            key = self._keys[name] = name_key(name)[:150]
        return key


# --- Tables and writers -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A model's table and the fields a row tuple gives, in order.

    Values are what the database stores, except moments (DateTimeField): whole seconds since the epoch,
    UTC, turned into text or datetimes only when written (a few million of them).
    """

    model: type[models.Model]
    names: tuple[str, ...]

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def fields(self) -> list[models.Field]:
        return [self.model._meta.get_field(name) for name in self.names]

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]


USERS = Table(
    User,
    ("id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email")
    + ("is_staff", "is_active", "date_joined"),
)
ROLES = Table(
    RoleAssignment, ("id", "user", "role", "regency", "institution", "district", "created_at"),
)  # fmt: skip
PERSONS = Table(
    Person,
    ("id", "nik", "full_name", "sex", "birth_place", "birth_date", "address", "phone", "email", "education")
    + ("status", "status_date", "status_reason", "notes", "account", "version", "verification", "verified_by")
    + ("verified_at", "created_at", "updated_at", "village", "district", "regency"),
)
MEMBERSHIPS = Table(
    Membership,
    ("id", "person", "psks_type", "institution", "position", "district", "regency", "decree_number")
    + ("decree_date", "decree_issuer", "membership_number", "start_date", "end_date", "status", "status_reason")
    + ("version", "verification", "verified_by", "verified_at", "created_at", "updated_at"),
)
BENEFICIARIES = Table(
    Beneficiary,
    ("id", "nik", "kk_number", "full_name", "name_key", "sex", "birth_date", "birth_date_estimated")
    + ("location_description", "dtks_status", "decile", "decile_as_of", "decile_source", "house", "electricity")
    + ("toilet", "clean_water", "disability", "notes", "created_at", "updated_at", "created_by", "version")
    + ("village", "district", "regency", "represented_by"),
)
BENEFICIARY_CATEGORIES = Table(Beneficiary.categories.through, ("id", "beneficiary", "pmkscategory"))
CASES = Table(
    Case,
    ("id", "beneficiary", "category", "source", "reported_by", "reporter_name", "priority", "description")
    + ("assignee", "status", "status_changed_at", "rejection_reason", "outcome", "opened_at", "closed_at")
    + ("updated_at", "version", "village", "district", "regency"),
)
CASE_OTHER_CATEGORIES = Table(Case.other_categories.through, ("id", "case", "pmkscategory"))
ENTRIES = Table(
    CaseEntry, ("id", "case", "kind", "at", "author", "text", "from_status", "to_status", "visited_on"),
)  # fmt: skip
INTERVENTIONS = Table(
    Intervention,
    ("id", "case", "beneficiary", "kind", "programme", "institution", "started_on", "ended_on", "status")
    + ("outcome", "created_by", "created_at"),
)
PEOPLE_TABLES = (USERS, ROLES, PERSONS, MEMBERSHIPS)
CASE_TABLES = (BENEFICIARIES, BENEFICIARY_CATEGORIES, CASES, CASE_OTHER_CATEGORIES, ENTRIES, INTERVENTIONS)
ALL_TABLES = PEOPLE_TABLES + CASE_TABLES

_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@functools.cache
def _days() -> list[str]:
    """`2026-11-23 ` for every day from 1970 to 2069, by days since the epoch."""
    epoch = dt.date(1970, 1, 1)
    return [f"{epoch + dt.timedelta(days=n)} " for n in range(36_500)]


@functools.cache
def _times() -> list[str]:
    """`07:30:00+00` for every second of a day."""
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(86_400)]


def copy_formatter(table: Table) -> Callable[[list[tuple]], str]:
    """A function turning row tuples into COPY text, compiled for the table's column types.

    One f-string per row, the conversion of each column spelled out: None as `\\N`, text escaped, booleans
    as t/f, dates in ISO form, moments (whole seconds since the epoch in the rows) from two lookup tables.
    """
    parts = []
    for n, f in enumerate(table.fields):
        value = f"r[{n}]"
        internal = (f.target_field if f.is_relation else f).get_internal_type()
        if internal in ("CharField", "TextField", "SlugField", "EmailField"):
            # Codes and choices need no escaping; free text only when it holds a tab, newline or backslash.
            text = value if f.is_relation or f.choices else f"({value}.translate(E) if SPECIAL({value}) else {value})"
        elif internal == "BooleanField":
            text = f"('t' if {value} else 'f')"
        elif internal == "DateTimeField":  # whole seconds since the epoch, UTC
            text = f"(DAYS[{value} // 86400] + TIMES[{value} % 86400])"
        elif internal == "DateField":
            text = f"{value}.isoformat()"
        else:  # integers, keys
            text = f"int({value})"
        if f.null:
            text = f"('\\\\N' if {value} is None else {text})"
        parts.append("{" + text + "}")
    source = "def format_rows(rows):\n    return ''.join([f\"" + "\\t".join(parts) + '\\n" for r in rows])\n'
    namespace = {"E": _COPY_ESCAPES, "SPECIAL": _SPECIAL.search, "DAYS": _days(), "TIMES": _times()}
    exec(compile(source, f"<copy {table.db_table}>", "exec"), namespace)  # noqa: S102  # built from model fields
    return namespace["format_rows"]


class Writer:
    """Writes row tuples into a table: COPY on PostgreSQL, multi-row INSERTs elsewhere."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, int] = {}
        self.freeze: set[str] = set()  # tables truncated in this transaction: COPY … FREEZE
        self.formatters: dict[Table, Callable[[list[tuple]], str]] = {}

    def write(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        if self.postgres:
            self._copy(table, rows)
        else:
            self._insert(table, rows)
        name = table.db_table
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        self.rows[name] = self.rows.get(name, 0) + len(rows)

    def _copy(self, table: Table, rows: list[tuple]) -> None:
        formatter = self.formatters.get(table)
        if formatter is None:
            formatter = self.formatters[table] = copy_formatter(table)
        buffer = io.StringIO(formatter(rows))
        options = " WITH (FREEZE)" if table.db_table in self.freeze else ""
        sql = f"COPY {table.db_table} ({', '.join(table.columns)}) FROM STDIN{options}"
        self.connection.ensure_connection()
        with self.connection.connection.cursor() as cursor:
            cursor.copy_expert(sql, buffer)

    def _insert(self, table: Table, rows: list[tuple]) -> None:
        qn = self.connection.ops.quote_name
        fields = table.fields
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # names from the models' metadata
            qn(table.db_table), ", ".join(qn(c) for c in table.columns), ", ".join(["%s"] * len(fields))
        )
        moments = [f.get_internal_type() == "DateTimeField" for f in fields]

        def value(f: models.Field, moment: bool, v):
            if moment and v is not None:
                v = dt.datetime.fromtimestamp(v, dt.UTC)
            return f.get_db_prep_save(v, self.connection)

        prepared = [tuple(map(value, fields, moments, row)) for row in rows]
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, prepared)


# --- What the generator needs to know ---------------------------------------------------------------------------------


@dataclass
class Plan:
    seed: int = DEFAULT_SEED
    persons: int = 12_000
    beneficiaries: int = 1_000_000
    volunteer_users: int = 300
    as_of: dt.date = field(default_factory=dt.date.today)
    chunk: int = CHUNK


@dataclass
class Context:
    """Reference data read before generating, and the first free id of every table."""

    villages: list[tuple[str, str, str, bool]]  # code, district, regency, is kelurahan
    village_weights: list[float]
    regency_names: dict[str, str]
    districts: list[str]
    categories: set[str]
    programmes: dict[str, str]  # code → name
    psks_types: set[str]
    next_id: dict[str, int]
    taken_niks: set[str]  # NIKs already in the database (only with --force)

    @classmethod
    def load(cls, connection) -> Context:
        villages = [
            (code, code[:8], code[:5], kind == Village.Kind.KELURAHAN)
            for code, kind in Village.objects.order_by("code").values_list("code", "kind")
        ]
        per_regency: dict[str, int] = {}
        for _code, _district, regency, _urban in villages:
            per_regency[regency] = per_regency.get(regency, 0) + 1
        weights = [REGENCY_WEIGHT.get(regency, 1.0) / per_regency[regency] for _c, _d, regency, _u in villages]
        next_id = {}
        for table in ALL_TABLES:
            top = table.model.objects.aggregate(top=models.Max("pk"))["top"]
            next_id[table.db_table] = (top or 0) + 1
        taken = set(Person.objects.values_list("nik", flat=True))
        taken.update(Beneficiary.objects.exclude(nik=None).values_list("nik", flat=True))
        return cls(
            villages=villages,
            village_weights=weights,
            regency_names=dict(Regency.objects.values_list("code", "name")),
            districts=sorted({district for _c, district, _r, _u in villages}),
            categories=set(PmksCategory.objects.values_list("code", flat=True)),
            programmes=dict(Programme.objects.values_list("code", "name")),
            psks_types=set(PsksType.objects.values_list("code", flat=True)),
            next_id=next_id,
            taken_niks=taken,
        )


class Ids:
    def __init__(self, first: dict[str, int]) -> None:
        self.next = dict(first)

    def __call__(self, table: Table) -> int:
        value = self.next[table.db_table]
        self.next[table.db_table] = value + 1
        return value


class NikSerials:
    """The next free 4-digit serial for (kecamatan, birth date, sex), kept in one compact array."""

    def __init__(self, districts: list[str], as_of: dt.date, taken: set[str]) -> None:
        self.index = {code: n for n, code in enumerate(districts)}
        self.digits = {code: code.replace(".", "") for code in districts}
        self.first = dt.date(as_of.year - 110, 1, 1).toordinal()
        self.days = as_of.toordinal() - self.first + 1
        self.counts = array("H", bytes(2 * len(districts) * self.days * 2))
        self.taken = taken

    def nik(self, district: str, birth: dt.date, sex: str) -> str:
        slot = ((self.index[district] * self.days) + birth.toordinal() - self.first) * 2 + (sex == FEMALE)
        while True:
            serial = self.counts[slot] + 1
            if serial > 9999:
                raise ValueError(f"more than 9,999 NIKs for {district} {birth} {sex}")
            self.counts[slot] = serial
            day = birth.day + 40 if sex == FEMALE else birth.day  # registry.nik.build_nik, without strftime
            nik = f"{self.digits[district]}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
            if nik not in self.taken:
                return nik


# --- People: logins, persons, memberships -----------------------------------------------------------------------------


@dataclass
class People:
    rows: dict[Table, list[tuple]]
    staff: dict[str, list[int]]  # regency → staff user ids
    reporters: dict[str, list[int]]  # regency → volunteer user ids
    assignees: dict[str, list[tuple[int, int | None]]]  # kecamatan → (person id, their login or None)


class Generator:
    def __init__(self, plan: Plan, context: Context) -> None:
        self.plan = plan
        self.ctx = context
        self.rng = random.Random(plan.seed)  # noqa: S311  # synthetic data, not secrets
        self.names = Names()
        self.ids = Ids(context.next_id)
        self.niks = NikSerials(context.districts, plan.as_of, context.taken_niks)
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        # Every moment is before the start of `as_of` (local time), so a seed gives the same rows whenever it runs.
        self.tz = tz
        self.end = dt.datetime.combine(plan.as_of, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        self.end_ts = int(self.end.timestamp())
        self.start_ts = self.end_ts - YEARS_OF_CASES * 365 * 86400
        self.villages = Weighted(dict(zip(context.villages, context.village_weights, strict=True)))
        self.categories = Weighted({code: CATEGORIES[code][0] for code in CATEGORIES if code in context.categories})
        local_midnight = dt.datetime.combine(plan.as_of, dt.time(), tzinfo=tz)
        self.tz_offset = int(local_midnight.utcoffset().total_seconds())  # Asia/Jakarta: no daylight saving
        with translation.override(settings.LANGUAGE_CODE):  # timeline texts in the office's language
            self.outcome_labels = {str(value): str(value.label) for value in Case.Outcome}

    # helpers
    # Faster than random.choice/randint/randrange (a million households); the same seed, the same draws.
    def choice(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def pick(self, weighted: Weighted):
        return weighted.keys[bisect.bisect(weighted.cum, self.rng.random() * weighted.total)]

    def village(self) -> tuple[str, str, str, bool]:
        return self.pick(self.villages)

    def category(self) -> str:
        return self.pick(self.categories)

    def local_date(self, ts: int) -> dt.date:
        return dt.date.fromordinal(EPOCH_ORDINAL + (ts + self.tz_offset) // 86400)

    def birth_date(self, age: int) -> dt.date:
        as_of = self.plan.as_of
        first = dt.date(as_of.year - age - 1, as_of.month, 1).toordinal() + 1
        last = dt.date(as_of.year - age, as_of.month, 1).toordinal()
        return dt.date.fromordinal(self.between(first, last))

    def password(self) -> str:
        return "!" + "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=40))

    # people
    def people(self) -> People:
        rng, plan, ctx = self.rng, self.plan, self.ctx
        created = self.start_ts - 400 * 86400
        users: list[tuple] = []
        roles: list[tuple] = []
        staff: dict[str, list[int]] = {}
        for regency in sorted(ctx.regency_names):
            for n in (1, 2):
                uid = self.ids(USERS)
                first = self.choice(demo_names.MALE_GIVEN_NAMES + demo_names.FEMALE_GIVEN_NAMES)
                username = f"{USER_PREFIX}staf-{regency.replace('.', '')}-{n}"
                users.append((uid, self.password(), None, False, username, first, "Dinsos", "", True, True, created))
                roles.append((self.ids(ROLES), uid, RoleAssignment.Role.REGENCY_STAFF, regency, None, None, created))
                staff.setdefault(regency, []).append(uid)

        persons: list[dict] = []
        by_district: dict[str, list[dict]] = {}
        for _n in range(plan.persons):
            code, district, regency, urban = self.village()
            sex = self.choice([MALE, FEMALE])
            age = self.between(20, 65)
            birth = self.birth_date(age)
            name = demo_names.full_name(rng, sex, age=age)
            status = self.pick(PERSON_STATUSES)
            stamp = self.start_ts - self.below(5 * 365 * 86400)
            person = {
                "id": self.ids(PERSONS),
                "nik": self.niks.nik(district, birth, sex),
                "full_name": name,
                "sex": sex,
                "birth_place": demo_names.birth_place(rng, regency, ctx.regency_names[regency]),
                "birth_date": birth,
                "address": demo_names.address(rng, urban=urban),
                "phone": demo_names.mobile_phone(rng),
                "email": demo_names.email_for(rng, name) if rng.random() < 0.4 else "",
                "education": self.pick(EDUCATION),
                "status": status,
                "status_date": None if status == "active" else self.local_date(self.end_ts - self.below(365 * 86400)),
                "status_reason": "" if status == "active" else "Perubahan status (data sintetis).",
                "notes": PERSON_NOTE,
                "account": None,  # set below for the volunteer logins
                "version": 1,
                "verification": self.pick(VERIFICATIONS),
                "verified_by": None,
                "verified_at": None,
                "created_at": stamp,
                "updated_at": stamp,
                "village": code,
                "district": district,
                "regency": regency,
            }
            persons.append(person)
            by_district.setdefault(district, []).append(person)

        memberships: list[tuple] = []
        local_volunteers: list[dict] = []  # active TKSK and PSM of their kecamatan

        def membership(person: dict, type_code: str, district: str | None, *, ended: bool = False) -> None:
            start = self.local_date(self.start_ts - self.below(6 * 365 * 86400))
            end = start + dt.timedelta(days=700) if ended else None
            status = Membership.Status.ENDED if ended else Membership.Status.ACTIVE
            memberships.append(
                (self.ids(MEMBERSHIPS), person["id"], type_code, None, "", district, person["district"][:5], "")
                + (None, "", "", start, end, status, "Tidak aktif lagi." if ended else "", 1)
                + (person["verification"], None, None, person["created_at"], person["created_at"])
            )

        types = Weighted({code: weight for code, weight in PERSON_TYPES.items() if code in ctx.psks_types})
        for district in ctx.districts:
            local = by_district.get(district, [])
            active = [p for p in local if p["status"] == Person.Status.ACTIVE]
            tksk = active[0] if active and "TKSK" in ctx.psks_types and rng.random() < 0.95 else None
            for person in local:
                if person["status"] != Person.Status.ACTIVE:
                    membership(person, "PSM", district, ended=True)  # former volunteers
                elif person is tksk:
                    membership(person, "TKSK", district)
                    local_volunteers.append(person)
                else:
                    code = self.pick(types)
                    membership(person, code, district if code in ("PSM", "PKH") else None)
                    if code == "PSM":
                        local_volunteers.append(person)

        reporters: dict[str, list[int]] = {}
        count = min(plan.volunteer_users, len(local_volunteers))
        chosen = sorted(rng.sample(local_volunteers, count), key=lambda p: p["id"])
        for n, person in enumerate(chosen, start=1):
            uid = self.ids(USERS)
            first, _space, last = person["full_name"].partition(" ")
            username = f"{USER_PREFIX}relawan-{n:04d}"
            users.append(
                (uid, self.password(), None, False, username, first, last, "", False, True, person["created_at"])
            )
            person["account"] = uid
            reporters.setdefault(person["regency"], []).append(uid)
        assignees: dict[str, list[tuple[int, int | None]]] = {}
        for person in local_volunteers:
            assignees.setdefault(person["district"], []).append((person["id"], person["account"]))

        rows = {
            USERS: users,
            ROLES: roles,
            PERSONS: [tuple(p[name] for name in PERSONS.names) for p in persons],
            MEMBERSHIPS: memberships,
        }
        return People(rows=rows, staff=staff, reporters=reporters, assignees=assignees)

    # beneficiaries and cases
    def chunks(self, people: People) -> Iterator[dict[Table, list[tuple]]]:
        plan = self.plan
        made = 0
        while made < plan.beneficiaries:
            size = min(plan.chunk, plan.beneficiaries - made)
            yield self._chunk(people, size)
            made += size

    def _chunk(self, people: People, size: int) -> dict[Table, list[tuple]]:
        out: dict[Table, list[tuple]] = {table: [] for table in CASE_TABLES}
        left = size
        while left:
            members = min(left, self.pick(HOUSEHOLD_SIZES))
            self._household(people, members, out)
            left -= members
        return out

    def _household(self, people: People, members: int, out: dict[Table, list[tuple]]) -> None:
        rng = self.rng
        village, district, regency, urban = self.village()
        address = demo_names.address(rng, urban=urban)
        house = self.pick(HOUSES)
        electricity = self.pick(ELECTRICITY)
        toilet = self.pick(TOILETS)
        water = self.pick(CLEAN_WATER)
        dtks = self.pick(DTKS)
        decile = self.pick(DECILES) if rng.random() < 0.65 else None
        decile_as_of = dt.date(2025, self.choice([3, 6, 9, 12]), 1) if decile else None
        decile_source = self.pick(DECILE_SOURCES) if decile else ""
        kk = None
        representative = None  # the household's first member with the No. KK (services.refresh_households' rule)
        doubled = regency == CILEGON and members > 1 and rng.random() < 0.25
        for member in range(members):
            category = self.category()
            _weight, (low, high), women, with_nik = CATEGORIES[category]
            sex = FEMALE if rng.random() < (0.5 if women is None else women) else MALE
            age = self.between(low, high)
            has_nik = rng.random() < with_nik
            if has_nik:
                birth = self.birth_date(age)
                estimated = False
                nik = self.niks.nik(district, birth, sex)
                if kk is None:
                    issued = self.local_date(self.end_ts - self.below(15 * 365 * 86400))
                    kk = self.niks.nik(district, issued, MALE)  # a KK number has the NIK's shape
            else:
                nik = None
                estimated = rng.random() < 0.9
                birth = Beneficiary.birth_date_from_age(age, today=self.plan.as_of) if estimated else None
            name = self.names.full_name(rng, sex, age)
            disability = ""
            if category in ("PD", "ADK"):
                disability = self.pick(DISABILITIES)
            bid = self.ids(BENEFICIARIES)
            represented_by = None
            if has_nik and kk:
                if representative is None:
                    representative = bid
                else:
                    represented_by = representative
            cases = self._cases(people, bid, category, village, district, regency, address, member, doubled, out)
            first_case, last_update, reporter = cases
            out[BENEFICIARIES].append(
                (bid, nik, kk if has_nik and kk else "", name, self.names.key(name), sex, birth, estimated)
                + (address if rng.random() < 0.9 else f"Sekitar {address}", dtks, decile, decile_as_of)
                + (decile_source, house, electricity, toilet, water, disability, "")
                + (first_case, last_update, reporter, 1, village, district, regency, represented_by)
            )

    def _cases(self, people, bid, category, village, district, regency, address, member, doubled, out):
        """The beneficiary's case(s), timelines and enrolments; returns (first opened, last change, reporter)."""
        rng = self.rng
        count = 2 if rng.random() < 0.10 else 1
        categories_seen = [category]
        first_opened = last_change = 0
        first_reporter = None
        opened = self._opened()
        for n in range(count):
            if n:
                category = self.category()
                opened = min(opened + self.between(30, 400) * 86400, self.end_ts - 3600)
            case_id = self.ids(CASES)
            reporters = people.reporters.get(regency) or people.staff[regency]
            reporter = self.choice(reporters)
            staff = people.staff[regency]
            pool = people.assignees.get(district) or []
            assignee = self.choice(pool) if pool and rng.random() < 0.85 else None
            source = self.pick(SOURCES)
            reporter_name = self.names.full_name(rng, self.choice([MALE, FEMALE]), 40) if source == "public" else ""
            place = address.split(" RT ")[0]
            templates = DESCRIPTIONS.get(category)
            description = (
                self.choice(templates).format(place=place)
                if templates
                else GENERIC_DESCRIPTION.format(category=category, place=place)
            )
            timeline = self._timeline(case_id, opened, description, reporter, staff, assignee)
            entries, status, closed, version, reached_intervention, status_ts, last_ts, outcome, rejection = timeline
            out[ENTRIES].extend(entries)
            out[CASES].append(
                (case_id, bid, category, source, reporter, reporter_name, self.pick(PRIORITIES), description)
                + (assignee[0] if assignee else None, status, status_ts, rejection, outcome)
                + (opened, closed, last_ts, version)
                + (village, district, regency)
            )
            if rng.random() < 0.08:
                other = self.category()
                if other != category:
                    out[CASE_OTHER_CATEGORIES].append((self.ids(CASE_OTHER_CATEGORIES), case_id, other))
                    categories_seen.append(other)
            categories_seen.append(category)
            if reached_intervention:
                self._enrol(
                    case_id, bid, category, regency, status, reached_intervention, closed, staff, member, doubled, out
                )
            if n == 0:
                first_opened, first_reporter = opened, reporter
            last_change = max(last_change, last_ts)
        for code in dict.fromkeys(categories_seen):
            out[BENEFICIARY_CATEGORIES].append((self.ids(BENEFICIARY_CATEGORIES), bid, code))
        return first_opened, last_change, first_reporter

    def _opened(self) -> int:
        """A moment in office hours over the last three years, more of them recently."""
        rng = self.rng
        days_ago = 1 + int(YEARS_OF_CASES * 365 * (1 - math.sqrt(rng.random())))
        day_start = self.end_ts - days_ago * 86400
        return day_start + 7 * 3600 + self.below(10 * 3600)

    def _step(self, ts: int) -> int:
        return ts + self.between(1, 21) * 86400 + self.between(-3, 3) * 3600

    def _timeline(self, case_id, opened, description, reporter, staff, assignee):
        rng = self.rng
        target = self.pick(TARGETS)
        if target == S.REJECTED:
            path = FORWARD[: self.pick(STEPS_BEFORE_REJECTION)] + [S.REJECTED]
            if len(path) <= 3 and rng.random() < 0.1:
                path.append(S.NEW)  # reopened after the rejection (a timeline has at most 5 entries)
        else:
            path = FORWARD[: FORWARD.index(target) + 1] if target != S.NEW else []
        limit = self.end_ts - 600
        entries = [(self.ids(ENTRIES), case_id, K.REPORTED, opened, reporter, description, "", S.NEW, None)]
        extras = self.choice([0, 0, 0, 1, 1, 2])
        extras = min(extras, 4 - len(path))
        status, ts = S.NEW, opened
        status_ts, closed, reached, outcome, rejection = opened, None, None, "", ""
        worker = (assignee[1] if assignee and assignee[1] else None) or self.choice(staff)
        slots = sorted(self.below(len(path) + 1) for _n in range(extras))
        for step in range(len(path) + 1):
            while slots and slots[0] == step:
                slots.pop(0)
                ts_extra = ts + self.between(1, 5) * 86400 + self.between(0, 8) * 3600
                if ts_extra >= limit:
                    break
                ts = ts_extra
                if status in OPEN_STATUSES and rng.random() < 0.6:
                    text = self.choice(VISITS)
                    entries.append(
                        (
                            self.ids(ENTRIES),
                            case_id,
                            K.VISIT,
                            ts,
                            worker,
                            text,
                            "",
                            "",
                            self.local_date(ts),
                        )
                    )
                else:
                    text = self.choice(NOTES)
                    entries.append((self.ids(ENTRIES), case_id, K.NOTE, ts, worker, text, "", "", None))
            if step == len(path):
                break
            to = path[step]
            if to not in TRANSITIONS[status]:
                raise ValueError(f"not a transition of cases.services: {status} → {to}")
            nxt = self._step(ts)
            if nxt >= limit:
                break
            ts = nxt
            text, outcome, rejection = "", "", ""  # as services.transition: both only on their own status
            if to == S.REJECTED:
                text = rejection = self.choice(REJECTIONS)
            elif to == S.NEW:
                text = self.choice(REOPEN_REASONS)
            elif to == S.CLOSED:
                outcome = self.pick(OUTCOMES)
                text = self.outcome_labels[outcome]
            elif to == S.INTERVENTION:
                reached = ts
            entries.append((self.ids(ENTRIES), case_id, K.TRANSITION, ts, self.choice(staff), text, status, to, None))
            status, status_ts = to, ts
            closed = ts if to in (S.CLOSED, S.REJECTED) else None
        version = 1 + sum(1 for e in entries if e[2] == K.TRANSITION)
        return entries, status, closed, version, reached, status_ts, ts, outcome, rejection

    def _enrol(self, case_id, bid, category, regency, status, started_ts, closed_ts, staff, member, doubled, out):
        rng = self.rng
        choices = PROGRAMMES.get(category, ["rehsos"])
        if regency == CILEGON and category in ("FM", "LUT", "PRSE") and rng.random() < 0.3:
            choices = ["jscb"]
        if doubled:
            choices = ["jscb"] if member == 0 else ["pkh"]
        programme = choices[min(int(rng.expovariate(1.2)), len(choices) - 1)]
        programme = programme if programme in self.ctx.programmes else "rehsos"
        started = self.local_date(started_ts)
        ended = None
        if status == S.INTERVENTION:
            state = self.pick(OPEN_ENROLMENT)
        elif status == S.CLOSED:
            state = self.pick(CLOSED_ENROLMENT)  # PKH, BPNT, ASLUT go on after the case is closed
            ended = self.local_date(closed_ts) if state == "done" else None
        else:
            state = "cancelled"
            ended = self.local_date(closed_ts) if closed_ts else started
        outcome = "Bantuan diterima penuh." if state == "done" else ""
        creator = self.choice(staff)
        out[INTERVENTIONS].append(
            (self.ids(INTERVENTIONS), case_id, bid, "programme", programme, None, started, ended)
            + (state, outcome, creator, started_ts)
        )
        if regency == CILEGON and programme == "jscb" and not doubled and rng.random() < 0.1:
            out[INTERVENTIONS].append(  # the same person also on PKH: double aid
                (self.ids(INTERVENTIONS), case_id, bid, "programme", "pkh", None, started, None)
                + ("active", "", creator, started_ts)
            )


# --- Loading ----------------------------------------------------------------------------------------------------------


@dataclass
class Report:
    rows: dict[str, int]
    seconds: dict[str, float]
    generate_seconds: float
    index_seconds: float
    total_seconds: float


def produce(chunks: Iterator, depth: int = 2) -> Iterator:
    """Run the generator in a thread, `depth` chunks ahead: Python generates while PostgreSQL ingests."""
    box: queue.Queue = queue.Queue(maxsize=depth)
    done = object()

    def run() -> None:
        try:
            for chunk in chunks:
                box.put(chunk)
        except BaseException as exc:  # handed to the consumer, raised there
            box.put(exc)
        box.put(done)

    thread = threading.Thread(target=run, daemon=True, name="seed-synthetic-generator")
    thread.start()
    while True:
        item = box.get()
        if item is done:
            break
        if isinstance(item, BaseException):
            raise item
        yield item
    thread.join()


class BareTables:
    """On PostgreSQL: drop the secondary indexes and keys of empty tables, put them back after the load.

    Building an index once over sorted data is far cheaper than updating it row by row, and a foreign key
    added to a filled table is checked in one join instead of a trigger per row.
    """

    def __init__(self, connection, tables: list[str]) -> None:
        self.connection = connection
        self.tables = tables
        self.constraints: list[tuple[str, str, str, str]] = []  # table, name, kind, definition
        self.indexes: list[str] = []

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            # Rows written earlier in the transaction have deferred key checks pending; run them now, or the
            # tables they reference could not be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u') "
                "ORDER BY c.contype DESC, c.conname",
                [self.tables],
            )
            self.constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [self.tables],
            )
            indexes = cursor.fetchall()
            self.indexes = [definition for _name, definition in indexes]
            for table, name, _kind, _definition in self.constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")

    def restore(self, progress: Callable[[str], None]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, kind, definition in self.constraints:
                if kind == "u":
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            progress(f"  unique keys: {sum(1 for c in self.constraints if c[2] == 'u')}")
            for definition in self.indexes:
                cursor.execute(definition)
            progress(f"  indexes: {len(self.indexes)}")
            for table, name, kind, definition in self.constraints:
                if kind == "f":
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            progress(f"  foreign keys: {sum(1 for c in self.constraints if c[2] == 'f')}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def seed(plan: Plan, *, progress: Callable[[str], None], bare: bool, connection=default_connection) -> Report:
    """Generate and write the synthetic province; the caller holds the transaction."""
    started = time.perf_counter()
    context = Context.load(connection)
    generator = Generator(plan, context)
    writer = Writer(connection)
    postgres = writer.postgres
    case_tables = [t.db_table for t in CASE_TABLES]
    if postgres and bare:
        with connection.cursor() as cursor:
            # Already empty (photos too, as they hang on entries); truncated here so that COPY … FREEZE may write
            # the rows frozen and visible, sparing the first readers the work (and a VACUUM).
            cursor.execute(f"TRUNCATE {', '.join([*case_tables, CasePhoto._meta.db_table])}")
        writer.freeze.update(case_tables)
    people = generator.people()
    for table in PEOPLE_TABLES:
        writer.write(table, people.rows[table])
        progress(f"{table.db_table}: {len(people.rows[table]):,} rows")
    bare_tables = BareTables(connection, case_tables) if postgres and bare else None
    if bare_tables:
        bare_tables.drop()
    generated = 0.0
    made = 0
    last_report = time.perf_counter()
    chunks = produce(_timed(generator.chunks(people)))
    for chunk, seconds in chunks:
        generated += seconds
        for table in CASE_TABLES:
            writer.write(table, chunk[table])
        made += len(chunk[BENEFICIARIES])
        now = time.perf_counter()
        if now - last_report > 10 or made == plan.beneficiaries:
            progress(f"  {made:,} of {plan.beneficiaries:,} beneficiaries ({now - started:.0f} s)")
            last_report = now
    index_started = time.perf_counter()
    if bare_tables:
        progress("indexes and keys:")
        bare_tables.restore(progress)
    index_seconds = time.perf_counter() - index_started
    models_written = [table.model for table in ALL_TABLES]
    sequences = connection.ops.sequence_reset_sql(no_style(), models_written)
    if sequences:
        with connection.cursor() as cursor:
            for sql in sequences:
                cursor.execute(sql)
    return Report(
        rows=dict(writer.rows),
        seconds=dict(writer.seconds),
        generate_seconds=generated,
        index_seconds=index_seconds,
        total_seconds=time.perf_counter() - started,
    )


def _timed(chunks: Iterator) -> Iterator[tuple[dict, float]]:
    """Each chunk with the seconds it took to generate."""
    while True:
        started = time.perf_counter()
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        yield chunk, time.perf_counter() - started


def case_tables_for_reset() -> list[str]:
    """Every table of the cases app that holds cases data (reference tables excluded), history included."""
    from django.apps import apps

    keep = {PmksCategory._meta.db_table, Programme._meta.db_table, Programme.excludes.through._meta.db_table}
    tables = [m._meta.db_table for m in apps.get_app_config("cases").get_models(include_auto_created=True)]
    return [t for t in tables if t not in keep]
