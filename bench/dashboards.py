"""Benchmark of the dashboards on a province-sized synthetic registry.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pskshub_bench .venv/bin/python bench/dashboards.py

Builds (once; reused on later runs) about 12,000 persons, their memberships, 1,500 institutions,
200 forums with their boards, 2,000 events and 50,000 participations, all with bulk_create from one
seeded random generator. Then times, server-side through Django's test Client (middleware, session,
auth, scoping, panels, template), the regency dashboard as the chair of the Kabupaten Serang forum and
the province dashboard as provincial staff, each against the raw SQL of the same panels (the SQL the
panels send, executed with a bare cursor). Medians of --runs runs after --warmup runs. The page is timed as
seen again (panels with unchanged rows kept: `dashboards.memo`), rebuilt (every panel built again) and cold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pskshub.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pskshub_bench")

SEED = 20261123
PERSONS = 12_000
INSTITUTIONS = {"KT": 900, "LKS": 380, "LK3": 40, "WKSBM": 120, "DU": 60}  # 1,500
FORUM_KINDS = ["forum_psks", "forpeksos", "ipsm", "forum_tksk", "forum_kt"]
EVENTS = 2_000
PARTICIPATIONS = 50_000
GOAL_RATIO, GOAL_MS = 1.5, 150.0
MARK = "Bench "  # persons' names start with it: the data set is present


from benchdb import ensure_database, production_settings  # noqa: E402  (bench/ is on sys.path)

production_settings()

ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import RoleAssignment, User  # noqa: E402
from accounts.roles import assignments_of, staff_scope  # noqa: E402
from cases.models import Beneficiary, Case  # noqa: E402
from dashboards import memo, panels, sqlcache  # noqa: E402
from forums.models import Event, Forum, OfficerTerm, Participation, Position  # noqa: E402
from regions.models import District, Regency, Village  # noqa: E402
from registry import demo_names  # noqa: E402
from registry.models import Institution, Membership, Person, PsksType, Verification  # noqa: E402
from registry.nik import FEMALE, MALE, build_nik  # noqa: E402

# --- The synthetic registry -------------------------------------------------------------------------------------------


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def verification(rng: random.Random) -> str:
    return pick(rng, {Verification.VERIFIED: 88, Verification.UNVERIFIED: 9, Verification.REJECTED: 3})


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def build(today: dt.date) -> None:
    rng = random.Random(SEED)
    villages = list(Village.objects.order_by("code").values_list("code", "district_id"))
    districts = list(District.objects.order_by("code").values_list("code", "regency_id"))
    regencies = sorted({regency for _district, regency in districts})

    # Persons: spread over the villages, 94 % active, 88 % verified.
    persons, serials = [], {}
    for n in range(PERSONS):
        village, district = rng.choice(villages)
        sex = rng.choice([MALE, FEMALE])
        birth = day_between(rng, dt.date(1960, 1, 1), dt.date(2002, 12, 31))
        serials[district, birth, sex] = serial = serials.get((district, birth, sex), 0) + 1
        given = demo_names.MALE_GIVEN_NAMES if sex == MALE else demo_names.FEMALE_GIVEN_NAMES
        status = pick(rng, {"active": 94, "inactive": 3, "moved": 2, "deceased": 1})
        persons.append(
            Person(
                nik=build_nik(district, birth, sex, serial),
                full_name=f"{MARK}{rng.choice(given)} {n}",
                sex=sex,
                birth_place="Serang",
                birth_date=birth,
                address="Jl. Bench No. 1",
                village_id=village,
                district_id=district,
                regency_id=district[:5],
                status=status,
                status_date=None if status == "active" else dt.date(2024, 1, 1),
                status_reason="" if status == "active" else "bench",
                verification=verification(rng),
            )
        )
    persons = Person.objects.bulk_create(persons, batch_size=1000)
    by_regency: dict[str, list[Person]] = {}
    by_district: dict[str, list[Person]] = {}
    for person in persons:
        by_regency.setdefault(person.regency_id, []).append(person)
        by_district.setdefault(person.district_id, []).append(person)

    # Institutions: Karang Taruna in distinct villages (one active per village), LKS with accreditations …
    institutions = []
    kt_villages = rng.sample(villages, INSTITUTIONS["KT"])
    for code, count in INSTITUTIONS.items():
        places = kt_villages if code == "KT" else [rng.choice(villages) for _ in range(count)]
        for n, (village, district) in enumerate(places):
            accreditation = pick(rng, {"A": 10, "B": 20, "C": 20, "none": 50}) if code == "LKS" else "none"
            institutions.append(
                Institution(
                    psks_type_id=code,
                    name=f"{code} Bench {n}",
                    address="Jl. Lembaga",
                    village_id=village,
                    district_id=district,
                    regency_id=district[:5],
                    accreditation=accreditation,
                    accreditation_date=dt.date(2023, 1, 1) if accreditation != "none" else None,
                    status=pick(rng, {"active": 93, "inactive": 7}),
                    verification=verification(rng),
                )
            )
    institutions = Institution.objects.bulk_create(institutions, batch_size=1000)

    # Memberships: a TKSK in 87 % of the kecamatan (and some ended ones), then one or two per person.
    memberships = []

    def membership(person: Person, type_code: str, **fields) -> None:
        status = fields.pop("status", pick(rng, {"active": 90, "ended": 10}))
        start = day_between(rng, dt.date(2016, 1, 1), dt.date(2025, 6, 30))
        fields.setdefault("regency_id", fields["district_id"][:5] if fields.get("district_id") else person.regency_id)
        memberships.append(
            Membership(
                person=person,
                psks_type_id=type_code,
                start_date=start,
                end_date=start + dt.timedelta(days=700) if status == "ended" else None,
                status=status,
                verification=verification(rng),
                **fields,
            )
        )

    tksk_holders = set()
    for district, _regency in districts:
        local = by_district.get(district) or []
        if local and rng.random() < 0.87:
            holder = rng.choice(local)
            tksk_holders.add(holder.pk)
            membership(holder, "TKSK", district_id=district, status="active")
        if local and rng.random() < 0.2:
            membership(rng.choice(local), "TKSK", district_id=district, status="ended")
    person_types = {"PSM": 45, "TAGANA": 14, "PKH": 11, "PEKSOS": 3, "WPKS": 2, "PENSOS": 2, "SAKTI": 1, "KP": 2}
    units_by_regency: dict[str, list[Institution]] = {}
    for unit in institutions:
        units_by_regency.setdefault(unit.regency_id, []).append(unit)
    for person in persons:
        if person.pk in tksk_holders:
            continue
        for _n in range(1 if rng.random() < 0.85 else 2):
            if rng.random() < 0.2 and units_by_regency.get(person.regency_id):
                unit = rng.choice(units_by_regency[person.regency_id])
                membership(person, unit.psks_type_id, institution=unit, regency_id=unit.regency_id)
                continue
            code = pick(rng, person_types)
            if code == "PKH":
                membership(person, code, district_id=person.district_id)
            else:
                membership(person, code)
    Membership.objects.bulk_create(memberships, batch_size=1000)

    # Forums: 5 at province level, 5 kinds in each of the 8 regencies, a Forum TKSK in each kecamatan (200).
    forums = [
        Forum(name=f"{kind} Banten", kind=kind, level=Forum.Level.PROVINCE, founded_on=dt.date(2022, 11, 21))
        for kind in FORUM_KINDS
    ]
    forums = Forum.objects.bulk_create(forums)
    parents = {f.kind: f for f in forums}
    regency_forums = Forum.objects.bulk_create(
        [
            Forum(name=f"{kind} {code}", kind=kind, level=Forum.Level.REGENCY, regency_id=code, parent=parents[kind])
            for code in regencies
            for kind in FORUM_KINDS
        ]
    )
    tksk_forum = {f.regency_id: f for f in regency_forums if f.kind == "forum_tksk"}
    district_forums = Forum.objects.bulk_create(
        [
            Forum(
                name=f"Forum TKSK {district}",
                kind="forum_tksk",
                level=Forum.Level.DISTRICT,
                regency_id=regency,
                district_id=district,
                parent=tksk_forum[regency],
                status=pick(rng, {"active": 95, "inactive": 5}),
            )
            for district, regency in districts
        ]
    )
    all_forums = forums + regency_forums + district_forums

    # Boards: every office, with ended terms behind some, a few vacancies and terms ending within 90 days.
    positions = list(Position.objects.order_by("order"))
    terms = []
    for forum in all_forums:
        pool = by_regency[forum.regency_id] if forum.regency_id else persons
        for position in positions:
            holders = 1 if position.single_holder else rng.randint(0, 3)
            for _n in range(holders):
                roll = rng.random()
                if roll < 0.15:
                    terms.append(  # an ended term and nobody after it: vacant (single-holder offices)
                        OfficerTerm(
                            forum=forum,
                            position=position,
                            person=rng.choice(pool),
                            start_date=dt.date(2019, 1, 1),
                            end_date=today - dt.timedelta(days=rng.randint(1, 400)),
                        )
                    )
                    continue
                if roll < 0.3:
                    terms.append(
                        OfficerTerm(
                            forum=forum,
                            position=position,
                            person=rng.choice(pool),
                            start_date=dt.date(2017, 1, 1),
                            end_date=dt.date(2021, 12, 31),
                        )
                    )
                start = day_between(rng, dt.date(2022, 1, 1), today - dt.timedelta(days=30))
                end = (
                    today + dt.timedelta(days=rng.randint(0, 90))
                    if rng.random() < 0.1
                    else start + dt.timedelta(days=5 * 365)
                )
                terms.append(
                    OfficerTerm(
                        forum=forum,
                        position=position,
                        person=rng.choice(pool),
                        start_date=start,
                        end_date=end,
                        acting=rng.random() < 0.05,
                    )
                )
    OfficerTerm.objects.bulk_create(terms, batch_size=1000)

    # Events over the last 24 months; participants from the organiser's region (anyone for the province).
    events = []
    for n in range(EVENTS):
        roll = rng.random()
        forum = rng.choice(all_forums) if roll < 0.7 else None
        organiser_regency = rng.choice(regencies) if 0.7 <= roll < 0.9 else None
        kind = pick(rng, {"bimtek": 25, "pelatihan": 15, "rakor": 25, "musyawarah": 5, "bakti_sosial": 20, "other": 10})
        events.append(
            Event(
                kind=kind,
                title=f"{kind.title()} Bench {n}",
                organiser_forum=forum,
                organiser_regency_id=organiser_regency,
                start_date=day_between(rng, today - dt.timedelta(days=730), today),
                regency_id=forum.regency_id if forum else organiser_regency,
                district_id=forum.district_id if forum else None,
            )
        )
    events = Event.objects.bulk_create(events, batch_size=1000)
    participations = []
    per_event = PARTICIPATIONS // EVENTS
    for event in events:
        pool = by_regency[event.regency_id] if event.regency_id else persons
        for person in rng.sample(pool, per_event):
            participations.append(
                Participation(
                    event=event,
                    person=person,
                    role=pick(rng, {"peserta": 90, "narasumber": 4, "panitia": 6}),
                    attended=rng.random() < 0.85,
                    certificate=event.kind in Event.TRAINING_KINDS and rng.random() < 0.6,
                )
            )
    Participation.objects.bulk_create(participations, batch_size=2000)


def ensure_data(today: dt.date) -> None:
    call_command("migrate", verbosity=0)
    if not Regency.objects.exists():
        call_command("load_regions", verbosity=0)
    if Person.objects.filter(full_name__startswith=MARK).count() >= PERSONS:
        print("synthetic registry present: reused")
        return
    if Person.objects.exists():
        sys.exit("the database holds other data: use an empty database for the benchmark (pskshub_bench)")
    started = time.perf_counter()
    with transaction.atomic():
        build(today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"synthetic registry built in {time.perf_counter() - started:.1f} s")


def summary() -> str:
    return (
        f"{Person.objects.count():,} persons, {Membership.objects.count():,} memberships, "
        f"{Institution.objects.count():,} institutions, {Forum.objects.count():,} forums, "
        f"{OfficerTerm.objects.count():,} officer terms, {Event.objects.count():,} events, "
        f"{Participation.objects.count():,} participations, {Beneficiary.objects.count():,} beneficiaries, "
        f"{Case.objects.count():,} cases (PMKS: from `manage.py seed_synthetic`, none unless seeded)"
    )


# --- Timing -----------------------------------------------------------------------------------------------------------


def user_with_role(username: str, role: str, regency_code: str | None) -> User:
    user, _created = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=role, regency_id=regency_code)
    return user


def timed_ms(func) -> float:
    """The time of `func()`; its `prepare()` first, if it has one, untimed."""
    if prepare := getattr(func, "prepare", None):
        prepare()
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def median_ms(func, runs: int, warmup: int) -> float:
    for _n in range(warmup):
        func()
    return statistics.median(timed_ms(func) for _n in range(runs))


def interleaved_medians(funcs: list, runs: int, warmup: int) -> list[float]:
    """Medians of each function, run in turn (a, b, c, a, b, c …) so they share the machine's load alike."""
    for _n in range(warmup):
        for func in funcs:
            func()
    times: list[list[float]] = [[] for _f in funcs]
    for _n in range(runs):
        for func, bucket in zip(funcs, times, strict=True):
            bucket.append(timed_ms(func))
    return [statistics.median(bucket) for bucket in times]


def toggle_verification(regency: Regency) -> None:
    """One change between two pages: a PSM of the regency verified, or unverified again (counted or not)."""
    membership = (
        Membership.objects.filter(regency=regency, psks_type_id="PSM", status=Membership.Status.ACTIVE)
        .filter(person__status=Person.Status.ACTIVE, person__verification=Verification.VERIFIED)
        .order_by("pk")
        .first()
    )
    verified = membership.verification == Verification.VERIFIED
    membership.verification = Verification.UNVERIFIED if verified else Verification.VERIFIED
    membership.save(update_fields=["verification"])


def panel_sql(user: User, regency: Regency | None) -> list[str]:
    """The SQL the panels send for this dashboard (as executed, parameters included)."""
    if regency is None:
        area = panels.Area(regencies=list(Regency.objects.all()))
    else:
        area = panels.Area(
            regencies=[regency], regency=regency, districts=list(District.objects.filter(regency=regency))
        )
    area.psks_types = list(PsksType.objects.all())
    area.single_positions = list(Position.objects.filter(single_holder=True))
    area.today = timezone.localdate()
    area.user = user
    area.staff_scope = staff_scope(user)
    assignments_of(user)  # the view has the roles already (read once per request, for the scope check)
    with CaptureQueriesContext(connection) as ctx:
        panels.build(area)
        statements = [query["sql"] for query in ctx.captured_queries]
    return statements


def is_pmks(sql: str) -> bool:
    return '"cases_' in sql


def run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def pmks_area(regency: Regency | None, user: User) -> panels.Area:
    regencies = [regency] if regency else list(Regency.objects.filter(province_id="36"))
    districts = list(District.objects.filter(regency=regency)) if regency else []
    return panels.Area(
        regencies=regencies, regency=regency, districts=districts, user=user, staff_scope=staff_scope(user)
    )


def cpu_ms(func, runs: int) -> float:
    """The best CPU time (this process) of `runs` calls: what the panel costs in Python, whatever the load."""
    best = float("inf")
    for _n in range(runs):
        started = time.process_time()
        func()
        best = min(best, time.process_time() - started)
    return best * 1000


def explain(sql: str) -> str:
    """The households query's plan in one line: node types, heap fetches, execution time."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]
    nodes, fetches = [], 0

    def walk(node: dict) -> None:
        nonlocal fetches
        nodes.append(node["Node Type"])
        fetches += node.get("Heap Fetches", 0)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return f"{' > '.join(nodes)}; heap fetches {fetches:,}; {plan['Execution Time']:.1f} ms"


def pmks_only(runs: int, warmup: int) -> None:
    """--pmks: the two PMKS panels alone, on a database of cases (`manage.py seed_synthetic`, e.g. pskshub_cases_dash).

    For staff of the region (exact numbers): each panel called directly (`case_panels.cases`, `.households`,
    compiled SQL kept as on a page), its SQL alone with a bare cursor, the panel's best CPU time, and the plan.
    """
    from django.db import connections

    from dashboards import case_panels

    call_command("migrate", verbosity=0)
    count = Beneficiary.objects.count()
    if not count:
        sys.exit("no beneficiaries: run `manage.py seed_synthetic` on this database first (bench/README.md)")
    print(f"database: {connection.settings_dict['NAME']}; {count:,} beneficiaries, {Case.objects.count():,} cases")
    print(f"households stored: {Beneficiary.objects.filter(represented_by=None).count():,} representatives")
    staff = user_with_role("bench-staf-provinsi", RoleAssignment.Role.PROVINCE_STAFF, None)
    header = f"{'panel':<44} {'median ms':>9} {'SQL ms':>7} {'CPU ms':>6}  plan (households)"
    print(header)
    print("-" * len(header))
    for code in ("36.73", "36.04", None):
        regency = Regency.objects.get(code=code) if code else None
        user = staff if code is None else user_with_role(f"bench-staf-{code}", RoleAssignment.Role.REGENCY_STAFF, code)
        area = pmks_area(regency, user)
        for name, panel in (("cases", case_panels.cases), ("households", case_panels.households)):
            with CaptureQueriesContext(connections["default"]) as ctx:
                panel(area)
            statements = [q["sql"] for q in ctx.captured_queries if is_pmks(q["sql"])]
            call = functools.partial(panel, area)
            page_ms, sql_ms = interleaved_medians([call, functools.partial(run_sql, statements)], runs, warmup)
            plan = explain(statements[0]) if name == "households" else ""
            label = f"{name}: {regency.name if regency else 'province'}"
            print(f"{label:<44} {page_ms:>9.1f} {sql_ms:>7.1f} {cpu_ms(call, 5):>6.1f}  {plan}")
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--pmks", action="store_true", help="only the PMKS panels, on a database of cases (seed_synthetic)"
    )
    args = parser.parse_args()
    if args.pmks:
        pmks_only(args.runs, args.warmup)
        return

    today = timezone.localdate()
    ensure_data(today)
    print(summary())
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; runs: {args.runs} after {args.warmup}")

    chair = user_with_role("bench-ketua-forum-serang", RoleAssignment.Role.FORUM_OFFICER, "36.04")
    staff = user_with_role("bench-staf-provinsi", RoleAssignment.Role.PROVINCE_STAFF, None)
    serang = Regency.objects.get(code="36.04")
    cases = [
        ("regency: /dasbor/kabupaten-serang/ (forum chair)", chair, serang, "/dasbor/kabupaten-serang/"),
        ("province: /dasbor/ (provincial staff)", staff, None, "/dasbor/"),
    ]
    rows = []
    for label, user, regency, url in cases:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        def get_cold(get=get):
            sqlcache.clear()  # the first request of a user on a day: the panels' SQL is compiled again,
            memo.clear()  # and the panels built
            get()

        def get_rebuilt(get=get):
            memo.clear()  # every panel's rows changed since the viewer's last page: all built again
            get()

        def get_changed(get=get):
            get()

        get_changed.prepare = functools.partial(toggle_verification, regency or serang)

        def get_without_panels(get=get):
            saved = panels.PANELS[:]
            panels.PANELS.clear()
            try:
                get()
            finally:
                panels.PANELS[:] = saved

        get()
        with CaptureQueriesContext(connection) as ctx:
            get()
        queries = len(ctx.captured_queries)  # now: the query log is a ring buffer
        statements = panel_sql(user, regency)
        pmks = [sql for sql in statements if is_pmks(sql)]
        page_ms, sql_ms, changed_ms, rebuilt_ms, cold_ms, fixed_ms, pmks_ms = interleaved_medians(
            [
                get,
                lambda statements=statements: run_sql(statements),
                get_changed,
                get_rebuilt,
                get_cold,
                get_without_panels,
                lambda pmks=pmks: run_sql(pmks),
            ],
            args.runs,
            args.warmup,
        )
        ratio = page_ms / sql_ms
        met = ratio <= GOAL_RATIO and page_ms < GOAL_MS
        rows.append(
            (
                label,
                page_ms,
                sql_ms,
                ratio,
                queries,
                len(statements),
                met,
                changed_ms,
                rebuilt_ms,
                cold_ms,
                fixed_ms,
                pmks_ms,
            )
        )

    print()
    header = (
        f"{'dashboard':<50} {'median ms':>9} {'raw SQL ms':>10} {'ratio':>5} {'queries':>7} {'panel SQL':>9}"
        f"  goal  {'changed ms':>10} {'ratio':>5} {'rebuilt ms':>10} {'ratio':>5} {'cold ms':>7} {'no panels ms':>12}"
        f" {'PMKS SQL ms':>11}"
    )
    print(header)
    print("-" * len(header))
    for label, page_ms, sql_ms, ratio, queries, panel_queries, met, changed_ms, rebuilt_ms, *rest in rows:
        cold_ms, fixed_ms, pmks_ms = rest
        print(
            f"{label:<50} {page_ms:>9.1f} {sql_ms:>10.1f} {ratio:>5.2f} {queries:>7} {panel_queries:>9}  "
            f"{'yes' if met else 'no ':<4}  {changed_ms:>10.1f} {changed_ms / sql_ms:>5.2f} {rebuilt_ms:>10.1f} "
            f"{rebuilt_ms / sql_ms:>5.2f} {cold_ms:>7.1f} {fixed_ms:>12.1f} {pmks_ms:>11.1f}"
        )
    print(
        "\nmedian: the dashboard page through Django's test Client (middleware, session, auth, scoping, panels,"
        "\n  template), seen again by the same viewer: every query runs, panels whose rows are unchanged are taken"
        "\n  as built (dashboards.memo); raw SQL: the panels' own SQL run with a bare cursor; queries: all queries"
        "\n  of the request; panel SQL: how many of them are the panels'; changed: the same page after one"
        "\n  membership of the regency was verified or unverified (untimed), so the panels counting memberships are"
        "\n  built again; rebuilt: the same page with every panel"
        "\n  built and rendered again (as after changes to all of their rows), and its ratio to the raw SQL;"
        "\n  cold: the same page with the compiled SQL and the panels dropped first;"
        "\n  no panels: the same request with the panel list emptied (session, auth, scope, template);"
        "\n  PMKS SQL: the two PMKS panels' SQL alone (cases by category/region/status, households by decile)."
    )
    print(f"\ngoal: each dashboard within {GOAL_RATIO}x of its raw SQL and under {GOAL_MS:.0f} ms")


if __name__ == "__main__":
    main()
