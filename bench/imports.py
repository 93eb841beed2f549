"""Benchmark of the import (transfers): 100,000 person rows with a PSM membership each, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pskshub_h3bench .venv/bin/python bench/imports.py
    # options: --rows 100000, --format csv|xlsx, --naive-rows 5000

Generates a valid file (one seeded random generator: names, Banten villages, NIKs matching the kecamatan
and birth date), then, each step on an emptied registry:

1. preview: read + validate every row (NIK, regions, duplicates, memberships, scope) without writing;
2. commit: the same validation again inside one transaction, then COPY of persons, memberships and their
   history rows;
3. naive: `save()` per row (person, then membership) and `full_clean()` + `save()` per row, on the first
   --naive-rows rows (rows/s extrapolate linearly: each row costs the same queries).

Prints rows/s for each, the CPU seconds of this process and of its PostgreSQL backend (read from
/proc: timings on a shared machine are noisy, CPU time much less), the process's peak memory (ru_maxrss)
after the import, before the naive runs, and the load average at start and end; then a summary with the
issue's goals.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pskshub.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pskshub_h3bench")
SEED = 20261124


from benchdb import ensure_database  # noqa: E402  (bench/ is on sys.path: scripts run as files)

ensure_database()

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import RoleAssignment, User  # noqa: E402
from regions.models import Regency, Village  # noqa: E402
from registry import demo_names  # noqa: E402
from registry.models import Membership, Person, PsksType  # noqa: E402
from registry.nik import FEMALE, MALE, build_nik  # noqa: E402
from transfers import services  # noqa: E402
from transfers.models import ImportBatch  # noqa: E402
from transfers.schemas import PERSON_SCHEMA  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine: /proc), 0 if unreadable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Step:
    """Wall time, this process's CPU and the backend's CPU of one step."""

    def __enter__(self):
        self.server, self.client, self.wall = backend_cpu(), time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.client = time.process_time() - self.client
        self.server = backend_cpu() - self.server

    def line(self, title: str, rows: int) -> str:
        return (
            f"{title}: {self.wall:.1f} s = {rows / self.wall:,.0f} rows/s "
            f"(CPU: this process {self.client:.1f} s, PostgreSQL {self.server:.1f} s)"
        )


def generate(rows: int, fmt: str) -> bytes:
    rng = random.Random(SEED)
    villages = list(Village.objects.filter(code__startswith="36.").select_related("district__regency"))
    serials: dict[tuple, int] = {}
    records = []
    for n in range(rows):
        village = rng.choice(villages)
        sex = rng.choice([MALE, FEMALE])
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
        key = (village.district_id, birth, sex)
        serials[key] = serials.get(key, 0) + 1
        first = rng.choice(demo_names.FEMALE_GIVEN_NAMES if sex == FEMALE else demo_names.MALE_GIVEN_NAMES)
        records.append(
            [
                build_nik(village.district_id, birth, sex, serials[key]),
                f"{first} Bench {n}",
                sex,
                village.district.regency.name.removeprefix("Kabupaten ").removeprefix("Kota "),
                birth.strftime("%d/%m/%Y"),
                f"Jl. Bench No. {n % 200 + 1} RT 0{n % 9 + 1}/RW 0{n % 7 + 1}",
                village.code,
                village.name,
                village.district.name,
                village.district.regency.name,
                f"08{rng.randrange(10**9, 10**10)}",
                "",
                "SMA",
                "aktif",
                "",
                "",
                "",
                "PSM",
                "",
                "",
                "",
                f"KTA-B{n:06d}",
                "",
                "",
                "",
                "02/01/2023",
                "",
                "aktif",
            ]
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(PERSON_SCHEMA.headers())
        writer.writerows(records)
        return out.getvalue().encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Relawan")
    sheet.append(PERSON_SCHEMA.headers())
    for record in records:
        sheet.append(record)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def empty_registry() -> None:
    with connection.cursor() as cursor:
        for model in (Membership, Person):
            cursor.execute(f"TRUNCATE {model.history.model._meta.db_table}, {model._meta.db_table} CASCADE")


def naive(content: bytes, limit: int, *, clean: bool, user) -> float:
    """One save() per row (person then membership), as a hand-written import would: rows per second."""
    empty_registry()
    reader = csv.reader(io.StringIO(content.decode("utf-8")))
    next(reader)
    psm = PsksType.objects.get(code="PSM")
    started = time.perf_counter()
    with transaction.atomic():
        for index, row in enumerate(reader):
            if index >= limit:
                break
            village = Village.objects.get(code=row[6])
            person = Person(
                nik=row[0],
                full_name=row[1],
                sex=row[2],
                birth_place=row[3],
                birth_date=dt.date(*map(int, reversed(row[4].split("/")))),
                address=row[5],  # noqa: DTZ007
                village=village,
                phone="+62" + row[10][1:],
                education="sma",
            )
            person._history_user = user
            if clean:
                person.full_clean()
            person.save()
            membership = Membership(
                person=person, psks_type=psm, membership_number=row[21], start_date=dt.date(2023, 1, 2)
            )
            membership._history_user = user
            if clean:
                membership.full_clean()
            membership.save()
    return limit / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--naive-rows", type=int, default=5_000)
    parser.add_argument("--generate-to", help=argparse.SUPPRESS)  # internal: write the file and exit
    args = parser.parse_args()
    if args.generate_to:
        Path(args.generate_to).write_bytes(generate(args.rows, args.format))
        return
    started_load = load()
    print(f"load average at start: {started_load}")
    call_command("migrate", verbosity=0)
    if not Regency.objects.exists():
        call_command("load_regions", verbosity=0)
    user, _created = User.objects.get_or_create(username="bench-import")
    empty_registry()  # TRUNCATE … CASCADE also empties tables pointing at persons (role assignments)
    RoleAssignment.objects.get_or_create(user=user, role=RoleAssignment.Role.PROVINCE_STAFF)

    started = time.perf_counter()
    # Generated in a child process, so the generator's lists do not count in this process's peak memory.
    target = Path(tempfile.gettempdir()) / f"pskshub-bench-import.{args.format}"
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--rows", str(args.rows), "--format", args.format, "--generate-to", str(target)],
        check=True,
    )
    content = target.read_bytes()
    print(
        f"generated {args.rows:,} rows as {args.format}: {len(content) / 1e6:.1f} MB in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(f"peak memory before the import: {peak_mb():.0f} MB")

    batch = ImportBatch(kind="person", created_by=user, original_name=f"bench.{args.format}", size=len(content))
    batch.file.save(batch.original_name, ContentFile(content), save=False)
    batch.save()
    with Step() as preview:
        services.run_preview(batch)
    assert batch.status == "ready", batch.message
    assert batch.counts["new"] == args.rows, (batch.counts, batch.errors[:5])
    print(preview.line("preview (validation only)", args.rows))

    with Step() as commit, transaction.atomic():
        services.run_commit(batch)
    assert Person.objects.count() == args.rows
    assert Membership.objects.count() == args.rows
    assert Person.history.count() == args.rows
    assert Membership.history.count() == args.rows
    print(commit.line("commit (validation again + writes, 4 tables)", args.rows))
    total = preview.wall + commit.wall
    print(f"end to end (preview + commit): {total:.1f} s = {args.rows / total:,.0f} rows/s")
    peak = peak_mb()
    print(f"peak memory after the import: {peak:.0f} MB")

    with Step() as again:
        services.run_preview(batch)
    assert batch.counts["unchanged"] == args.rows, batch.counts
    print(again.line("second preview of the same file (all unchanged)", args.rows))

    csv_content = content if args.format == "csv" else generate(args.naive_rows, "csv")
    rate = naive(csv_content, args.naive_rows, clean=False, user=user)
    print(f"naive save() per row ({args.naive_rows:,} rows): {rate:,.0f} rows/s")
    rate_clean = naive(csv_content, args.naive_rows, clean=True, user=user)
    print(f"naive full_clean() + save() per row ({args.naive_rows:,} rows): {rate_clean:,.0f} rows/s")
    end_to_end = args.rows / total
    print()
    print(f"summary: {args.rows:,} rows ({args.format}); load average at start {started_load}, at end {load()}")
    for title, value, goal in (
        ("validation (preview)", f"{args.rows / preview.wall:,.0f} rows/s", ""),
        ("commit (validation + writes)", f"{args.rows / commit.wall:,.0f} rows/s", ""),
        ("end to end (preview + commit)", f"{end_to_end:,.0f} rows/s", "goal >= 5,000"),
        ("naive save() per row", f"{rate:,.0f} rows/s", "reference ~2,100"),
        ("naive full_clean() + save()", f"{rate_clean:,.0f} rows/s", "reference ~520"),
        ("end to end / naive full_clean()", f"{end_to_end / rate_clean:.1f}x", "goal >= 10x"),
        ("peak memory", f"{peak:.0f} MB", "goal < 300 MB"),
    ):
        print(f"  {title:<34}{value:>16}   {goal}")
    empty_registry()


if __name__ == "__main__":
    main()
