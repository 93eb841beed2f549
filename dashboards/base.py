"""What a dashboard panel is made of (tables, charts, the area it counts) and the links between dashboards.

`dashboards.panels` (the registry and forum panels) and `dashboards.case_panels` (the PMKS panels) build on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import DatabaseError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import RegionScope, assignments_of
from dashboards import sqlcache
from forums.models import Event, Forum, Position
from pskshub.scoping import visible
from regions.models import District, Regency
from regions.scoping import regency_slug
from registry.models import Institution, Membership, PsksType
from registry.recap import TypeCounts, collect_type_counts, type_counts_query

NO_DISTRICT = ""  # the row of memberships counted at regency level (e.g. Tagana living elsewhere)


# --- What a panel is made of ----------------------------------------------------------------------------------------


@dataclass
class Table:
    """Numbers as a table: the page shows it, the XLSX export writes it, a chart plots some of its columns."""

    key: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    links: list[str] = field(default_factory=list)  # per row: the drill-down URL of its first cell ("" = none)
    footer: list[Any] | None = None
    collapsed: bool = False  # long lists: rendered closed (<details>), opened for print
    empty: str = ""  # shown instead of an empty table

    def column(self, index: int) -> list[Any]:
        return [row[index] for row in self.rows]


@dataclass
class Chart:
    """A bar chart of some numeric columns of a table (one series per column, one bar group per row)."""

    key: str
    title: str
    table: Table
    columns: list[int]
    stacked: bool = False

    def data(self) -> dict[str, Any]:
        """What static/js/dashboard.js draws, read from the page by `json_script`."""
        return {
            "title": self.title,
            "labels": [str(label) for label in self.table.column(0)],
            "series": [
                {"label": self.table.columns[i], "values": [chart_value(v) for v in self.table.column(i)]}
                for i in self.columns
            ],
            "stacked": self.stacked,
        }


def chart_value(value: Any) -> int | None:
    """A cell as a bar: its number; nothing for a count shown as text ("<5", "≥ 12": `case_panels.Hidden`)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class Panel:
    key: str
    title: str
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the numbers are counted (page and XLSX)
    hints: list[str] = field(default_factory=list)  # how to use the page (page only)
    html: str | None = field(default=None, repr=False, compare=False)  # rendered once (`dashboard_tags`)


@dataclass
class Area:
    """The region of a dashboard: one regency (rows: its kecamatan) or the province (rows: its regencies)."""

    regencies: list[Regency]
    regency: Regency | None = None  # None: the whole province
    districts: list[District] = field(default_factory=list)  # the regency's kecamatan (regency dashboard)
    psks_types: list[PsksType] = field(default_factory=list)  # reference data, in their official order
    single_positions: list[Position] = field(default_factory=list)  # forum offices with one holder (Ketua …)
    user: Any = None  # who looks: forum rows come through `forums.scoping`
    today: dt.date = field(default_factory=timezone.localdate)
    staff_scope: RegionScope = field(default_factory=RegionScope)  # where the viewer is Dinsos staff
    # Per request: the rows of each panel query, run once however many panels read them (`rows`); while
    # `dashboards.memo` builds a panel, the rows it read (`reads`), and whether a query is `rows`' own (`querying`).
    _rows: dict[str, list[tuple] | DatabaseError] = field(default_factory=dict, init=False, repr=False, compare=False)
    reads: dict[str, list[tuple] | None] | None = field(default=None, init=False, repr=False, compare=False)
    querying: bool = field(default=False, init=False, repr=False, compare=False)

    def exact_for(self, regency_code: str | None = None) -> bool:
        """May the viewer see exact small counts of cases in this regency (None: the whole area)?

        Only where they may see the cases themselves, as staff (`accounts.roles.staff_scope`); forum
        officers and staff of other regencies see counts below 5 as "<5" (`dashboards.case_panels`).
        """
        if regency_code is not None:
            return self.staff_scope.covers(regency_code)
        return self.staff_scope.everywhere or (self.regency is not None and self.staff_scope.covers(self.regency.code))

    @property
    def exact_everywhere(self) -> bool:
        return self.exact_for(None)

    @property
    def is_province(self) -> bool:
        return self.regency is None

    @property
    def regency_codes(self) -> list[str]:
        return [r.code for r in self.regencies]

    @property
    def name(self) -> str:
        return self.regency.name if self.regency else _("Provinsi Banten")

    @property
    def row_label(self) -> str:
        return _("Kabupaten/Kota") if self.is_province else _("Kecamatan")

    def row_keys(self) -> list[tuple[str, str, str]]:
        """(code, name, drill-down URL) of the rows of a per-area table."""
        if self.is_province:
            return [(r.code, r.name, url) for r, url in zip(self.regencies, self.regency_urls, strict=True)]
        return [(d.code, d.name, "") for d in self.districts]

    @cached_property
    def regency_urls(self) -> list[str]:
        """The dashboard URL of each of `regencies`, reversed once per page (rows of several tables link to them)."""
        return [dashboard_url(r) for r in self.regencies]

    def rows(self, name: str, build: Callable[[], QuerySet]) -> list[tuple]:
        """Run the panel query `build()` returns (a `values_list()`), compiled once per area, date and user."""
        try:
            rows = self._read(name, lambda key: sqlcache.rows(key, build))
        except DatabaseError:
            if self.reads is not None:
                self.reads[name] = None  # a panel built without its rows is not kept
            raise
        if self.reads is not None:
            self.reads[name] = rows
        return rows

    def current_rows(self, name: str) -> list[tuple] | None:
        """The rows of the panel query `name` now, if its SQL is compiled (None if not, or if it failed): a kept
        panel's check. A query that failed is not run again when the panel is built: `rows` raises its error."""
        try:
            return self._read(name, sqlcache.compiled_rows)
        except DatabaseError:
            return None

    def _read(self, name: str, fetch: Callable[[tuple], list[tuple] | None]) -> list[tuple] | None:
        rows = self._rows.get(name)
        if isinstance(rows, DatabaseError):
            raise rows
        if rows is None:
            self.querying = True
            try:
                rows = fetch((name, *self.sql_key))
            except DatabaseError as error:
                self._rows[name] = error
                raise
            finally:
                self.querying = False
            if rows is not None:
                self._rows[name] = rows
        return rows

    @cached_property
    def reference(self) -> list[tuple[type, dict[str, Any]]]:
        """What the panels show of the reference data besides their rows: the fields of the regions, kecamatan,
        PSKS types and offices as read (names, units, order). A kept panel is reused only while they are equal."""
        objects = [*self.regencies, *self.districts, *self.psks_types, *self.single_positions]
        return [(type(obj), {k: v for k, v in vars(obj).items() if k != "_state"}) for obj in objects]

    @cached_property
    def sql_key(self) -> tuple:
        """Everything the panels' SQL is built from: regions, kecamatan, date, offices, the user and their roles."""
        roles = sorted(
            (a.role, a.regency_id or "", a.institution_id or 0, a.district_id or "") for a in assignments_of(self.user)
        )
        return (
            tuple(self.regency_codes),
            tuple(d.code for d in self.districts),
            self.is_province,
            self.today,
            tuple(p.code for p in self.single_positions),
            getattr(self.user, "pk", None),
            getattr(self.user, "is_superuser", False),
            tuple(roles),
        )

    @property
    def type_counts(self) -> TypeCounts:
        """The recap's counts per type and regency (one query per request), shared by the panels that need them."""
        return collect_type_counts(
            self.rows("type_counts", lambda: type_counts_query(self.memberships(), self.institutions()))
        )

    def memberships(self) -> QuerySet[Membership]:
        return Membership.objects.filter(regency_id__in=self.regency_codes)

    def institutions(self) -> QuerySet[Institution]:
        return Institution.objects.filter(regency_id__in=self.regency_codes)

    def events(self) -> QuerySet[Event]:
        """The events the user may see whose organiser is in the area (the province: all of them)."""
        events = visible(self.user, Event)
        return events if self.is_province else events.filter(regency_id__in=self.regency_codes)

    def forums(self) -> QuerySet[Forum]:
        """The forums of the area the user may see: the regency's (regency and kecamatan level), or all."""
        forums = visible(self.user, Forum)
        return forums if self.is_province else forums.filter(regency_id__in=self.regency_codes)


def dashboard_url(regency: Regency) -> str:
    return reverse("dashboards:regency", args=[regency_slug(regency)])


def province_url() -> str:
    return reverse("dashboards:province")


def _url_for_pk(name: str, *args: str) -> Callable[[int], str]:
    """URL of each row's page, reversed once for the whole table (`.../kegiatan/<pk>/`)."""
    sample = reverse(name, args=[*args, 0])
    prefix = sample.removesuffix("0/")
    return lambda pk: f"{prefix}{pk}/"


def bar_chart(key: str, title: str, table: Table, columns: Sequence[int], *, stacked: bool = False) -> Chart:
    return Chart(key=key, title=title, table=table, columns=list(columns), stacked=stacked)
