"""`manage.py load_demo_forums`: demo forums, boards and events on top of the demo registry (`load_demo`).

- Forum PSKS Provinsi Banten (formed 21-11-2022 at the Jambore PSKS, Anyer) and Forpeksos Banten
  (10-09-2018, Muspeksos), then a Forum PSKS in each kabupaten/kota under the province forum.
- Boards from the registry's active persons of each regency: a few terms end within 90 days, one
  Bendahara is vacant, one Sekretaris is acting (Plt.), one chair was replaced mid-term.
- About 30 events with participants, among them bimtek trainings in the last 12 months.

Dates count from `--as-of` (default: today), so the vacancy board and "last 12 months" always show
something; choices come from one `random.Random(seed)`. Idempotent: a forum is matched by kind and
name and an event by title; existing ones (and their boards and participants) are left as they are.
Officers are demo volunteers: real officers are recorded by Dinsos staff.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from forums.models import Event, Forum, OfficerTerm, Participation, months_before
from regions.models import Regency, Village
from registry.models import Person, PsksType

DEFAULT_SEED = 36
FORUM_MEMBERS = ["TKSK", "PSM", "PKH", "SAKTI", "KT", "TAGANA"]  # glossary §5: members of Forum PSKS Banten
FORPEKSOS_MEMBERS = ["KT", "TAGANA", "PKH", "TKSK", "PSM"]
DEMO_NOTE = "Data demo."

PROVINCE_FORUM = "Forum PSKS Provinsi Banten"
FORPEKSOS = "Forpeksos Banten"

# The regencies (by order of code: 0 Pandeglang … 3 Kab. Serang … 6 Kota Serang) showing each case on the board;
# the demo logins are staff of Lebak and Kota Serang and a forum officer of Kabupaten Serang.
VACANT_TREASURER, REPLACED_CHAIR, ACTING_SECRETARY = 1, 3, 6
ENDING_SOON = {4: 30, 6: 75}  # regency index → the board's terms end in that many days

BOARD = [  # position, how many holders
    ("ketua", 1),
    ("wakil-ketua", 2),
    ("sekretaris", 1),
    ("bendahara", 1),
    ("koordinator-bidang", 2),
]
FIELDS_OF_WORK = ["Organisasi dan Keanggotaan", "Pelatihan dan Pengembangan SDM", "Bakti Sosial dan Kebencanaan"]


class Command(BaseCommand):
    help = "Memuat data demo forum PSKS, pengurus, dan kegiatan (jalankan setelah load_demo)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="Tanggal acuan (YYYY-MM-DD).")

    def handle(self, *args, seed: int, as_of: dt.date | None, **options) -> None:
        if not Person.objects.exists():
            raise CommandError("Registri masih kosong: jalankan `manage.py load_demo` dulu.")
        self.rng = random.Random(seed)  # noqa: S311  # demo data, not secrets
        self.today = as_of or timezone.localdate()
        self.created = {"forum": 0, "masa jabatan": 0, "kegiatan": 0, "peserta": 0}
        with transaction.atomic():
            self.persons = self.persons_by_regency()
            regencies = list(Regency.objects.filter(code__in=self.persons).order_by("code"))
            province = self.province_forums()
            for index, regency in enumerate(regencies):
                self.regency_forum(index, regency, province)
            self.events(province, regencies)
        summary = ", ".join(f"{count} {name}" for name, count in self.created.items())
        self.stdout.write(f"Data demo forum dimuat ({summary} baru).")

    # --- people --------------------------------------------------------------------------------------------------

    def persons_by_regency(self) -> dict[str, list[Person]]:
        persons: dict[str, list[Person]] = {}
        for person in Person.objects.filter(status=Person.Status.ACTIVE).order_by("regency_id", "nik"):
            persons.setdefault(person.regency_id, []).append(person)
        return persons

    def pick(self, regency_code: str | None, count: int) -> list[Person]:
        pool = self.persons.get(regency_code, []) if regency_code else [p for ps in self.persons.values() for p in ps]
        return self.rng.sample(pool, min(count, len(pool)))

    # --- forums and boards ---------------------------------------------------------------------------------------

    def forum(self, **fields) -> tuple[Forum, bool]:
        members = fields.pop("members")
        forum = Forum.objects.filter(kind=fields["kind"], name=fields["name"]).first()
        if forum is not None:
            return forum, False
        fields["description"] = f"{DEMO_NOTE} {fields.get('description', '')}".strip()
        forum = Forum(**fields)
        forum.full_clean()
        forum.save()
        forum.psks_types.set(PsksType.objects.filter(code__in=members))
        self.created["forum"] += 1
        return forum, True

    def term(self, forum: Forum, position: str, person: Person, start: dt.date, end: dt.date | None, **extra) -> None:
        term = OfficerTerm(
            forum=forum,
            position_id=position,
            person=person,
            start_date=start,
            end_date=end,
            decree_number=extra.pop("decree_number", forum.decree_number),
            decree_date=extra.pop("decree_date", forum.decree_date),
            inaugurated_on=extra.pop("inaugurated_on", start),
            inaugurated_by=extra.pop("inaugurated_by", forum.inaugurated_by),
            **extra,
        )
        term.full_clean()
        term.save()
        self.created["masa jabatan"] += 1

    def board(self, forum: Forum, persons: list[Person], start: dt.date, end: dt.date, skip: str = "") -> None:
        people = iter(persons)
        for position, holders in BOARD:
            if position == skip:
                next(people, None)
                continue
            for n in range(holders):
                person = next(people, None)
                if person is None:
                    return
                detail = FIELDS_OF_WORK[n] if position == "koordinator-bidang" else ""
                self.term(forum, position, person, start, end, position_detail=detail)

    def province_forums(self) -> Forum:
        founded = dt.date(2022, 11, 21)
        province, created = self.forum(
            name=PROVINCE_FORUM,
            kind=Forum.Kind.FORUM_PSKS,
            level=Forum.Level.PROVINCE,
            founded_on=founded,
            founding_event="Jambore PSKS Provinsi Banten, Anyer, Kabupaten Serang",
            decree_number="400.9/KEP.112-Dinsos/2022",
            decree_date=founded,
            inaugurated_on=founded,
            inaugurated_by="Kepala Dinas Sosial Provinsi Banten",
            members=FORUM_MEMBERS,
            description="Dibentuk pada Jambore PSKS Provinsi Banten di Anyer; ketua pertama menurut pemberitaan: "
            "Andika Hazrumy. Pengurus di bawah ini relawan demo.",
        )
        if created:
            self.board(province, self.pick(None, 7), founded, dt.date(2027, 11, 20))
        muspeksos = dt.date(2018, 9, 10)
        forpeksos, created = self.forum(
            name=FORPEKSOS,
            kind=Forum.Kind.FORPEKSOS,
            level=Forum.Level.PROVINCE,
            founded_on=muspeksos,
            founding_event="Musyawarah Pekerja Sosial (Muspeksos), Dinas Sosial Provinsi Banten",
            decree_number="400/KEP.077-Dinsos/2018",
            decree_date=muspeksos,
            inaugurated_on=muspeksos,
            inaugurated_by="Kepala Dinas Sosial Provinsi Banten",
            members=FORPEKSOS_MEMBERS,
            description="Ketua pertama menurut pemberitaan: Gatot Yan S. Pengurus di bawah ini relawan demo.",
        )
        if created:
            first_end = dt.date(2023, 9, 9)
            persons = self.pick(None, 9)
            self.board(forpeksos, persons[:2], muspeksos, first_end)  # first board: ketua, wakil ketua
            self.board(forpeksos, persons[2:], first_end + dt.timedelta(days=1), dt.date(2028, 9, 9))
        return province

    def regency_forum(self, index: int, regency: Regency, province: Forum) -> None:
        founded = dt.date(2023, 2, 1) + dt.timedelta(days=index * 17)
        forum, created = self.forum(
            name=f"Forum PSKS {regency.name}",
            kind=Forum.Kind.FORUM_PSKS,
            level=Forum.Level.REGENCY,
            regency=regency,
            parent=province,
            founded_on=founded,
            decree_number=f"400.9/{index + 21:03d}/Dinsos/{founded.year}",
            decree_date=founded,
            inaugurated_on=founded,
            inaugurated_by=f"Kepala Dinas Sosial {regency.name}",
            members=FORUM_MEMBERS,
        )
        if not created:
            return
        persons = self.pick(regency.code, 9)
        end = dt.date(founded.year + 5, founded.month, founded.day) - dt.timedelta(days=1)
        if index in ENDING_SOON:
            end = self.today + dt.timedelta(days=ENDING_SOON[index])
        skip = "bendahara" if index == VACANT_TREASURER else ""
        if index == ACTING_SECRETARY:
            skip = "sekretaris"
        self.board(forum, persons[:7], founded, end, skip=skip)
        if index == ACTING_SECRETARY and len(persons) > 7:
            self.term(
                forum,
                "sekretaris",
                persons[7],
                self.today - dt.timedelta(days=40),
                None,
                acting=True,
                decree_number=f"{forum.decree_number}/PLT",
                notes="Plt. sampai sekretaris definitif dipilih.",
            )
        if index == REPLACED_CHAIR and len(persons) > 8:
            chair = OfficerTerm.objects.get(forum=forum, position_id="ketua")
            change = self.today - dt.timedelta(days=120)
            chair.end_date, chair.end_reason = change - dt.timedelta(days=1), "Mengundurkan diri (pindah tugas)"
            chair.full_clean()
            chair.save()
            self.term(
                forum,
                "ketua",
                persons[8],
                change,
                end,
                decree_number=f"{forum.decree_number}/PAW",
                decree_date=change,
                notes="Ketua pengganti antarwaktu hasil musyawarah luar biasa.",
            )

    # --- events --------------------------------------------------------------------------------------------------

    def events(self, province: Forum, regencies: list[Regency]) -> None:
        anyer = Village.objects.filter(district__regency_id="36.04", district__name__iexact="Anyar").first()
        self.event(
            kind=Event.Kind.JAMBORE,
            title="Jambore PSKS Provinsi Banten 2022",
            start_date=dt.date(2022, 11, 19),
            end_date=dt.date(2022, 11, 21),
            village=anyer,
            venue="Anyer, Kabupaten Serang",
            participants=(None, 25),
            description="Pembentukan Forum PSKS Provinsi Banten.",
        )
        for n, months_ago in enumerate([2, 5, 9]):
            self.event(
                kind=Event.Kind.BIMTEK,
                title=f"Bimtek Pendamping Sosial Provinsi Banten Angkatan {n + 1}",
                start_date=self.months_ago(months_ago),
                end_date=self.months_ago(months_ago) + dt.timedelta(days=2),
                venue="Aula Dinas Sosial Provinsi Banten, Kota Serang",
                participants=(None, 20),
                certificate=True,
            )
        self.event(
            kind=Event.Kind.MUSYAWARAH,
            title="Musyawarah Forum PSKS Provinsi Banten",
            organiser_forum=province,
            start_date=self.months_ago(7),
            venue="Kota Serang",
            participants=(None, 15),
        )
        self.event(
            kind=Event.Kind.SARASEHAN,
            title="Sarasehan Peringatan HKSN Provinsi Banten",
            organiser_forum=province,
            start_date=self.months_ago(11),
            venue="Alun-alun Kota Serang",
            participants=(None, 12),
        )
        forums = {f.regency_id: f for f in Forum.objects.filter(parent=province)}
        for index, regency in enumerate(regencies):
            forum = forums.get(regency.code)
            self.event(
                kind=Event.Kind.PELATIHAN,
                title=f"Pelatihan Relawan PSKS {regency.name}",
                organiser_regency=regency,
                start_date=self.months_ago(1 + index % 10),
                end_date=self.months_ago(1 + index % 10) + dt.timedelta(days=1),
                venue=f"Aula Dinas Sosial {regency.name}",
                participants=(regency.code, 12),
                certificate=True,
            )
            if forum is not None:
                self.event(
                    kind=Event.Kind.RAKOR,
                    title=f"Rapat Koordinasi {forum.name}",
                    organiser_forum=forum,
                    start_date=self.months_ago(3 + index % 6),
                    venue=f"Sekretariat {forum.name}",
                    participants=(regency.code, 8),
                )
                self.event(
                    kind=Event.Kind.BAKTI_SOSIAL,
                    title=f"Bakti Sosial {forum.name}",
                    organiser_forum=forum,
                    start_date=self.months_ago(14 + index),
                    venue=f"{regency.name}",
                    participants=(regency.code, 10),
                )

    def months_ago(self, months: int) -> dt.date:
        return months_before(self.today, months)

    def event(self, *, participants: tuple[str | None, int], certificate: bool = False, **fields) -> None:
        if Event.objects.filter(title=fields["title"]).exists():
            return
        event = Event(**fields)
        event.full_clean()
        event.save()
        self.created["kegiatan"] += 1
        persons = self.pick(*participants)
        rows = [
            Participation(
                event=event,
                person=person,
                attended=self.rng.random() > 0.1,
                certificate=certificate,
            )
            for person in persons
        ]
        for row in rows:
            row.certificate = row.certificate and row.attended
            row.full_clean(validate_constraints=False)
        Participation.objects.bulk_create(rows)
        self.created["peserta"] += len(rows)
