"""`manage.py seed_synthetic`: a synthetic province of a million beneficiaries and cases, for scale work.

    DATABASE_URL=postgres://…/pskshub_cases_bench .venv/bin/python manage.py seed_synthetic
    … seed_synthetic --beneficiaries 10000 --persons 1000 --seed 7     # smaller, another draw
    … seed_synthetic --reset                                            # empty the cases tables first

What it writes and how is described in `cases/synthetic.py`: logins, persons and memberships, then
beneficiaries, cases, timelines and enrolments, all from one seeded random generator and a fixed day
(`--as-of`, default today), so the same seed and day give the same rows. No django-simple-history rows
are written for synthetic data. On PostgreSQL the rows go in with `COPY` (chunks, bounded memory), with
the statement time limit lifted for this connection, and `ANALYZE` runs at the end (the admin's
estimated count reads its statistics). On SQLite it works for small sizes (the tests run it there).

It refuses a database that already holds synthetic data (use `--reset`) or other cases (use `--force`
to add synthetic data beside them, or `--reset` to empty the cases tables first: every case, not only
synthetic ones).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import RoleAssignment, User
from cases import synthetic
from cases.models import Beneficiary, Case, PmksCategory
from regions.models import Village
from registry.models import Membership, Person


# Option types: argparse turns ArgumentTypeError into a one-line usage error (CommandError from call_command).
def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"Must not be negative: {value}")
    return number


def day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of wants a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Build a synthetic province (persons, logins, beneficiaries, cases, timelines) for scale work."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED, help="random seed (default: fixed)")
        parser.add_argument("--persons", type=positive, default=12_000, help="synthetic volunteers (12,000)")
        parser.add_argument(
            "--beneficiaries", type=positive, default=1_000_000, help="beneficiaries (1,000,000); cases ≈ 1.1×"
        )
        parser.add_argument("--volunteer-users", type=positive, default=300, help="volunteer logins (300)")
        parser.add_argument("--as-of", type=day, default=None, help="the day everything is counted back from")
        parser.add_argument("--chunk", type=positive, default=synthetic.CHUNK, help="beneficiaries per COPY chunk")
        parser.add_argument("--force", action="store_true", help="add synthetic data beside existing cases")
        parser.add_argument(
            "--reset", action="store_true", help="empty the cases tables and remove earlier synthetic data first"
        )

    def handle(self, *args, **options) -> None:
        if options["chunk"] < 1:
            raise CommandError("--chunk must be at least 1")
        if options["beneficiaries"] and not options["persons"]:
            raise CommandError("Cases need persons to assign them to: give --persons 1 or more.")
        plan = synthetic.Plan(
            seed=options["seed"],
            persons=options["persons"],
            beneficiaries=options["beneficiaries"],
            volunteer_users=options["volunteer_users"],
            as_of=options["as_of"] or timezone.localdate(),
            chunk=options["chunk"],
        )
        started = time.perf_counter()
        if not Village.objects.exists():
            self.stdout.write("No regions yet: loading them (load_regions).")
            call_command("load_regions", stdout=self.stdout)
        if not PmksCategory.objects.exists():
            raise CommandError("The PMKS categories are missing: run `manage.py migrate` first.")
        postgres = connection.vendor == "postgresql"
        saved = {}
        if postgres:
            with connection.cursor() as cursor:
                # A long load must not be cut by the per-statement limit of web connections; index builds
                # are faster with more memory. Both are put back as they were at the end.
                for name, value in (("statement_timeout", "0"), ("maintenance_work_mem", "256MB")):
                    cursor.execute(f"SHOW {name}")
                    saved[name] = cursor.fetchone()[0]
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        try:
            self._check(reset=options["reset"], force=options["force"])
            try:
                with transaction.atomic():
                    if options["reset"]:
                        self._reset()
                    bare = not Beneficiary.objects.exists() and not Case.objects.exists()
                    report = synthetic.seed(plan, progress=self.stdout.write, bare=bare)
            except DatabaseError as exc:
                raise CommandError(f"Nothing was written: the database refused the load ({exc}).") from exc
            analyze_started = time.perf_counter()
            if postgres:
                with connection.cursor() as cursor:
                    for table in synthetic.ALL_TABLES:
                        cursor.execute(f"ANALYZE {table.db_table}")
            analyze_seconds = time.perf_counter() - analyze_started
        finally:
            if saved:
                with connection.cursor() as cursor:
                    for name, value in saved.items():
                        cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        self._print(plan, report, analyze_seconds, time.perf_counter() - started)

    def _check(self, *, reset: bool, force: bool) -> None:
        if reset:
            return
        if User.objects.filter(username__startswith=synthetic.USER_PREFIX).exists() or (
            Person.objects.filter(notes=synthetic.PERSON_NOTE).exists()
        ):
            raise CommandError(
                "This database already holds synthetic data. Run again with --reset to replace it "
                "(it empties the cases tables)."
            )
        others = Case.objects.exclude(reported_by__username__startswith=synthetic.USER_PREFIX)
        if not force and others.exists():
            raise CommandError(
                f"This database holds {Case.objects.count():,} cases that are not synthetic. Use an empty "
                "database, or --force to add synthetic data beside them, or --reset to empty the cases tables."
            )

    def _reset(self) -> None:
        tables = synthetic.case_tables_for_reset()
        cases = Case.objects.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Key checks still pending in this transaction (rows written earlier in it) would block TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(tables)}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            with connection.cursor() as cursor:
                for table in tables:  # keys are checked at commit: the order does not matter
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608  # model tables
        persons = Person.objects.filter(notes=synthetic.PERSON_NOTE)
        users = User.objects.filter(username__startswith=synthetic.USER_PREFIX)
        Membership.objects.filter(person__in=persons)._raw_delete(connection.alias)
        removed_persons = persons._raw_delete(connection.alias)
        RoleAssignment.objects.filter(user__in=users)._raw_delete(connection.alias)
        removed_users = users._raw_delete(connection.alias)
        self.stdout.write(
            f"Reset: emptied {len(tables)} cases tables ({cases:,} cases), removed {removed_persons:,} synthetic "
            f"persons and {removed_users:,} synthetic logins."
        )

    def _print(self, plan: synthetic.Plan, report: synthetic.Report, analyze_seconds: float, total: float) -> None:
        self.stdout.write("")
        self.stdout.write(f"{'table':<32} {'rows':>12} {'COPY s':>8} {'rows/s':>10}")
        for table in synthetic.ALL_TABLES:
            name = table.db_table
            rows, seconds = report.rows.get(name, 0), report.seconds.get(name, 0.0)
            rate = f"{rows / seconds:,.0f}" if seconds else "-"
            self.stdout.write(f"{name:<32} {rows:>12,} {seconds:>8.1f} {rate:>10}")
        self.stdout.write(
            f"generating rows (in a thread beside the writes): {report.generate_seconds:.1f} s; "
            f"indexes and keys: {report.index_seconds:.1f} s; ANALYZE: {analyze_seconds:.1f} s"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic province (seed {plan.seed}, as of {plan.as_of}): {plan.beneficiaries:,} beneficiaries, "
                f"{report.rows.get(Case._meta.db_table, 0):,} cases in {total:.1f} s."
            )
        )
