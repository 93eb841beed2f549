"""Benchmark of the cases pages on a million synthetic beneficiaries and cases (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pskshub_cases_bench .venv/bin/python bench/cases.py
    # options: --runs 21 (median of), --warmup 3, --wrk-seconds 30, --no-wrk

Builds the data once with `manage.py seed_synthetic` (1,000,000 beneficiaries, about 1.1 million cases;
later runs reuse it), then times server-side through Django's test Client (middleware, session, auth,
scoping, the page), interleaved, each page beside the raw SQL it sent (captured from the request with
CaptureQueriesContext and re-run with a bare cursor): the case changelist unfiltered and filtered by
regency + status, the beneficiary search by a full NIK and by a name fragment, Kasus Saya of the
volunteer with the most cases, and the Kota Serang dashboard's case panels. Then a load test: `wrk`,
8 connections, against gunicorn (3 sync workers as in the README's deployment, `--workers`; DEBUG off) on the
unfiltered changelist.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pskshub.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pskshub_cases_bench")

GOAL_LIST_MS, GOAL_NIK_MS, GOAL_NAME_MS, GOAL_PANEL_MS, GOAL_RATIO = 100.0, 30.0, 200.0, 100.0, 2.0
GOAL_RPS, GOAL_P99_MS = 25.0, 600.0
NAME_FRAGMENT = "komariah"  # a common family name alone: about 2 % of the synthetic beneficiaries
NAME_FRAGMENT_2 = "euis komar"  # what staff type for one person: a given name and the start of the family name


from benchdb import PRODUCTION_ENV, ensure_database, production_settings  # noqa: E402  (bench/ is on sys.path)

production_settings()

ensure_database(require_postgres="bench/cases.py measures PostgreSQL: set DATABASE_URL to a PostgreSQL database")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import RoleAssignment, User  # noqa: E402
from accounts.roles import staff_scope  # noqa: E402
from cases import synthetic  # noqa: E402
from cases.models import Beneficiary, Case  # noqa: E402
from dashboards import case_panels  # noqa: E402
from dashboards.base import Area, dashboard_url  # noqa: E402
from regions.models import District, Regency  # noqa: E402

# --- Data and users ---------------------------------------------------------------------------------------------------


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    if User.objects.filter(username__startswith=synthetic.USER_PREFIX).exists():
        print("synthetic province present: reused")
        return
    started = time.perf_counter()
    call_command("seed_synthetic")
    print(f"synthetic province built in {time.perf_counter() - started:.0f} s")


def staff_user(username: str, role: str, regency_code: str | None) -> User:
    user, _created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    RoleAssignment.objects.get_or_create(user=user, role=role, regency_id=regency_code)
    return user


def busiest_volunteer() -> User:
    """The volunteer login with the most cases reported (Kasus Saya also lists those assigned to them)."""
    top = (
        Case.objects.filter(reported_by__username__startswith=f"{synthetic.USER_PREFIX}relawan-")
        .values("reported_by")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return User.objects.get(pk=top["reported_by"])


# --- Timing -----------------------------------------------------------------------------------------------------------

COUNT_RE = re.compile(r'\bCOUNT\(.*\bFROM "cases_', re.IGNORECASE | re.DOTALL)  # counts of cases tables
ESTIMATE_RE = re.compile(r"reltuples|^\s*EXPLAIN", re.IGNORECASE)


def timed_ms(func) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


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


def run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()


class Page:
    """One page as one user: its request, the SQL it sends, and what that SQL is."""

    def __init__(self, label: str, user: User, url: str, goal_ms: float) -> None:
        self.label, self.url, self.goal_ms = label, url, goal_ms
        self.client = Client(HTTP_HOST="localhost")
        self.client.force_login(user)
        self.get()
        with CaptureQueriesContext(connection) as ctx:
            self.get()
        sent = [query["sql"] for query in ctx.captured_queries]
        self.queries = len(sent)
        # Reads only: the request's session or audit writes are not re-run (they would pile up rows).
        self.statements = [sql for sql in sent if sql.lstrip(" \n(").upper().startswith(("SELECT", "EXPLAIN", "WITH"))]
        self.counts = sum(1 for sql in self.statements if COUNT_RE.search(sql) and not ESTIMATE_RE.search(sql))
        self.estimated = any(ESTIMATE_RE.search(sql) for sql in self.statements)

    def get(self) -> None:
        response = self.client.get(self.url)
        if response.status_code != 200:
            raise RuntimeError(f"{self.url}: HTTP {response.status_code}")
        self.content = response.content

    def sql(self) -> None:
        run_sql(self.statements)


class PanelCall:
    """A dashboard panel called directly (no request), and its SQL."""

    def __init__(self, label: str, user: User, regency: Regency, panel) -> None:
        self.label, self.goal_ms, self.panel = label, GOAL_PANEL_MS, panel
        self.area = Area(regencies=[regency], regency=regency, districts=list(District.objects.filter(regency=regency)))
        self.area.user = user
        self.area.today = timezone.localdate()
        self.area.staff_scope = staff_scope(user)
        self.get()
        with CaptureQueriesContext(connection) as ctx:
            self.get()
        self.statements = [query["sql"] for query in ctx.captured_queries]
        self.queries = len(self.statements)
        self.counts = sum(1 for sql in self.statements if COUNT_RE.search(sql))
        self.estimated = False

    def get(self) -> None:
        self.panel(self.area)

    def sql(self) -> None:
        run_sql(self.statements)


# --- Load test --------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk_load(url_path: str, session_cookie: str, seconds: int, workers: int) -> dict | None:
    if shutil.which("wrk") is None:
        print("wrk is missing: installing Debian's package (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, capture_output=True)  # noqa: S603, S607
        if shutil.which("wrk") is None:
            print("wrk could not be installed: load test skipped")
            return None
    port = free_port()
    env = {**os.environ, **PRODUCTION_ENV}
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            str(BASE_DIR / ".venv/bin/gunicorn"),
            "pskshub.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}{url_path}"
        for _n in range(300):
            if gunicorn.poll() is not None:
                print(f"gunicorn stopped: {gunicorn.stderr.read()[-2000:]}")
                return None
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        header = f"Cookie: sessionid={session_cookie}"
        # The page itself, not a redirect to the login (wrk counts a 302 as a success).
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        probe.request("GET", url_path, headers={"Cookie": f"sessionid={session_cookie}"})
        answer = probe.getresponse()
        body = answer.read()
        probe.close()
        if answer.status != 200 or b"result_list" not in body:
            print(f"the changelist answered {answer.status} under gunicorn, not the list: load test skipped")
            return None
        subprocess.run(  # noqa: S603
            ["wrk", "-t", "2", "-c", "2", "-d", "3s", "-H", header, url],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        result = subprocess.run(  # noqa: S603, S607
            ["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", "--latency", "--timeout", "10s", "-H", header, url],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            return parse_wrk(result.stdout)
        except AttributeError:
            print(f"wrk's output was not understood:\n{result.stdout}\n{result.stderr}")
            return None
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
            gunicorn.wait()


def parse_wrk(output: str) -> dict:
    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    read = re.search(r"requests in [^,]+, (\S+) read", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "requests": requests,
        "errors": errors,
        "read": read.group(1) if read else "?",
    }


# --- Main -------------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--wrk-seconds", type=int, default=30)
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3: the README's deployment)")
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL")
    args = parser.parse_args()

    ensure_data()
    print(
        f"{Beneficiary.objects.count():,} beneficiaries, {Case.objects.count():,} cases; database: "
        f"{connection.vendor} {connection.settings_dict['NAME']}; runs: {args.runs} after {args.warmup}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    province = staff_user("bench-staf-provinsi", RoleAssignment.Role.PROVINCE_STAFF, None)
    serang_staff = staff_user("bench-staf-kota-serang", RoleAssignment.Role.REGENCY_STAFF, "36.73")
    volunteer = busiest_volunteer()
    serang = Regency.objects.get(code="36.73")
    nik = (
        Beneficiary.objects.filter(regency_id="36.73").exclude(nik=None).order_by("pk").values_list("nik", flat=True)[0]
    )
    name_hits = Beneficiary.objects.filter(name_key__contains=NAME_FRAGMENT).count()
    name_hits_2 = Beneficiary.objects.filter(name_key__contains=NAME_FRAGMENT_2).count()
    volunteer_cases = Case.objects.filter(reported_by=volunteer).count()

    specs = [
        (Page, "changelist, unfiltered (province staff)", province, "/admin/cases/case/", GOAL_LIST_MS),
        (Page, "changelist, unfiltered (Kota Serang staff)", serang_staff, "/admin/cases/case/", GOAL_LIST_MS),
        (
            Page,
            "changelist, Kota Serang + asesmen",
            province,
            "/admin/cases/case/?regency=36.73&status__exact=assessment",
            GOAL_LIST_MS,
        ),
        (Page, "beneficiaries, search by full NIK", province, f"/admin/cases/beneficiary/?q={nik}", GOAL_NIK_MS),
        (
            Page,
            f"beneficiaries, search “{NAME_FRAGMENT}” ({name_hits:,} rows)",
            province,
            f"/admin/cases/beneficiary/?q={NAME_FRAGMENT}",
            GOAL_NAME_MS,
        ),
        (
            Page,
            f"beneficiaries, search “{NAME_FRAGMENT_2}” ({name_hits_2:,} rows)",
            province,
            f"/admin/cases/beneficiary/?q={NAME_FRAGMENT_2.replace(' ', '+')}",
            GOAL_NAME_MS,
        ),
        (Page, f"Kasus Saya ({volunteer_cases:,} cases reported)", volunteer, "/relawan/kasus/", GOAL_LIST_MS),
        (Page, "dashboard Kota Serang, whole page (staff)", serang_staff, dashboard_url(serang), GOAL_PANEL_MS * 2),
        (PanelCall, "dashboard Kota Serang: cases panel only", serang_staff, serang, case_panels.cases),
        (PanelCall, "dashboard Kota Serang: households panel only", serang_staff, serang, case_panels.households),
    ]
    pages = []
    for kind, *spec in specs:
        try:
            pages.append(kind(*spec))
        except Exception as exc:  # a page another helper is still building: say so, measure the others
            print(f"NOT MEASURED: {spec[0]}: {type(exc).__name__}: {exc}")
    if args.show_sql:
        for page in pages:
            print(f"\n== {page.label}")
            for sql in page.statements:
                print(f"  {sql[:600]}")
    funcs = []
    for page in pages:
        funcs += [page.get, page.sql]
    medians = interleaved_medians(funcs, args.runs, args.warmup)

    print()
    header = (
        f"{'page':<52} {'median ms':>9} {'raw SQL ms':>10} {'ratio':>5} {'queries':>7} {'COUNTs':>6} {'est.':>4}  goal"
    )
    print(header)
    print("-" * len(header))
    for n, page in enumerate(pages):
        page_ms, sql_ms = medians[2 * n], medians[2 * n + 1]
        ratio = page_ms / sql_ms if sql_ms else float("inf")
        met = page_ms <= page.goal_ms and ratio <= GOAL_RATIO
        print(
            f"{page.label:<52} {page_ms:>9.1f} {sql_ms:>10.1f} {ratio:>5.2f} {page.queries:>7} {page.counts:>6} "
            f"{'yes' if page.estimated else 'no':>4}  {'yes' if met else 'NO'} (≤ {page.goal_ms:.0f} ms, ≤ {GOAL_RATIO}×)"
        )
    print(
        "\nmedian: the page through Django's test Client; raw SQL: the request's SELECTs (captured, parameters"
        "\n  included) run with a bare cursor; queries: all queries of the request; COUNTs: exact COUNT(…) queries;"
        "\n  est.: the count comes from PostgreSQL's statistics. The whole dashboard page holds the registry panels too"
        f"\n  (goal here {GOAL_PANEL_MS * 2:.0f} ms); each case panel alone: {GOAL_PANEL_MS:.0f} ms."
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    if not args.no_wrk:
        client = Client()
        client.force_login(province)
        cookie = client.cookies["sessionid"].value
        result = wrk_load("/admin/cases/case/", cookie, args.wrk_seconds, args.workers)
        if result:
            met = result["rps"] >= GOAL_RPS and result["p99"] <= GOAL_P99_MS and result["errors"] == 0
            print(
                f"\nwrk, 8 connections, {args.wrk_seconds} s, gunicorn {args.workers} workers (DEBUG off), unfiltered changelist as"
                f" province staff:\n  {result['rps']:.1f} req/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms,"
                f" {result['requests']:,} requests ({result['read']} read), {result['errors']} errors;"
                f" goal ≥ {GOAL_RPS:.0f} req/s, p99 ≤ {GOAL_P99_MS:.0f} ms, no errors: {'yes' if met else 'NO'}"
            )
            print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
