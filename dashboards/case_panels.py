"""The PMKS panels of the dashboards: cases by category and status, and households by decile.

Counted by the region columns stored on each case and beneficiary (`regency_id`, `district_id`), limited
to the dashboard's regencies, like the registry's counts: whether the user may open the dashboard was
decided before (`regions.scoping.dashboard_regencies_for`), and the cases themselves stay behind
`cases.scoping` (forum officers see none of them). One query per panel.

Small numbers: a count of 1 to 4 is shown as "<5" to anyone who may not see the cases themselves, i.e.
whose staff scope does not cover the region of the figure (`accounts.roles.staff_scope`): forum officers,
and staff of another regency. Zero stays 0 (it names nobody). A total is exact only if none of the cells
it adds up is hidden; otherwise it is shown as a lower bound ("≥ 12"), so that no hidden cell can be
worked out by subtracting the others from a total on the same page. The XLSX export writes the same cells.
Staff of the region see every number exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import OperationalError
from django.db.models import CharField, Count, F, QuerySet, Value
from django.utils.translation import gettext as _

from cases.models import Beneficiary, Case, PmksCategory
from dashboards.base import NO_DISTRICT, Area, Panel, Table, bar_chart

SMALL = 5  # counts below this (and above zero) are hidden from viewers who may not see the cases
STATUSES = list(Case.Status)
DECILES = list(range(1, 11))
UNKNOWN_DECILE = 99  # the rank of a household without a known decile: after desil 10


class Hidden(str):
    """A count shown as text instead of its number: "<5", or a lower bound of a total ("≥ 12")."""


LESS_THAN_SMALL = Hidden(f"<{SMALL}")


def shown(n: int, exact: bool) -> int | Hidden:
    return n if exact or n == 0 or n >= SMALL else LESS_THAN_SMALL


def shown_total(true_total: int, cells: Sequence[int | Hidden]) -> int | Hidden:
    """The total of some shown cells: exact when none is hidden, else the least it can be (a hidden cell is ≥ 1)."""
    hidden = sum(1 for cell in cells if isinstance(cell, Hidden))
    if not hidden:
        return true_total
    return Hidden(f"≥ {sum(cell for cell in cells if not isinstance(cell, Hidden)) + hidden}")


class Grid:
    """Counts of rows × columns as shown to one viewer: cells hidden per row's region, totals protected.

    Several grids whose columns add up to the same totals (cases by category and by region, per status)
    share their column totals (`joint_column_totals`): a total exact in one table and a lower bound in the
    other would give the hidden cells away.
    """

    def __init__(self, counts: list[list[int]], exact_rows: list[bool]) -> None:
        self.counts = counts
        self.cells = [[shown(n, exact) for n in row] for row, exact in zip(counts, exact_rows, strict=True)]

    def row_totals(self) -> list[int | Hidden]:
        return [shown_total(sum(row), cells) for row, cells in zip(self.counts, self.cells, strict=True)]

    def column(self, index: int) -> tuple[int, list[int | Hidden]]:
        return sum(row[index] for row in self.counts), [cells[index] for cells in self.cells]

    def all_cells(self) -> tuple[int, list[int | Hidden]]:
        return sum(map(sum, self.counts)), [cell for cells in self.cells for cell in cells]


def joint_column_totals(grids: Sequence[Grid], width: int) -> list[int | Hidden]:
    """Per column, then the grand total: exact only if no grid hides a cell of it; else the largest lower bound."""

    def protected(parts: list[tuple[int, list[int | Hidden]]]) -> int | Hidden:
        values = [shown_total(true, cells) for true, cells in parts]
        hidden = [v for v in values if isinstance(v, Hidden)]
        if not hidden:
            return values[0]
        return max(hidden, key=lambda v: int(v.removeprefix("≥ ")))

    totals = [protected([grid.column(i) for grid in grids]) for i in range(width)]
    return [*totals, protected([grid.all_cells() for grid in grids])]


def _row_region(area: Area) -> F:
    """What a row of the per-region tables is: the kecamatan (regency dashboard) or the regency (province)."""
    return F("regency_id") if area.is_province else F("district_id")


def _region_rows(area: Area, present: set[str]) -> list[tuple[str, str, str]]:
    """(code, name, link) of the per-region rows; cases without a kecamatan on a row of their own if any."""
    keys = area.row_keys()
    if not area.is_province and (NO_DISTRICT in present or None in present):
        keys.append((NO_DISTRICT, _("Tanpa kecamatan"), ""))
    return keys


# --- Cases by category × status, and by region × status -------------------------------------------------------------


def cases_query(area: Area) -> QuerySet:
    """One query, UNION ALL of: ("k", category code, name, "", order) for each of the 26 categories (every one is
    a row, with or without cases); ("c", category, "", status, count); ("w", "", region, status, count).

    Each count reads one index and no table rows (index-only scans, bench/README.md): categories by
    (regency, category, status); kecamatan by (district, status), hence the filter on the area's kecamatan
    (a case's kecamatan is always one of its regency's); regencies by (regency, status, opened_at).
    """
    fields = ["part", "pmks", "region", "status", "n"]
    empty = Value("", output_field=CharField())
    categories = (
        PmksCategory.objects.annotate(part=Value("k"), pmks=F("code"), region=F("name"), status=empty, n=F("order"))
        .values_list(*fields)
        .order_by()
    )
    by_category = (
        Case.objects.filter(regency_id__in=area.regency_codes)
        .annotate(part=Value("c"), pmks=F("category_id"), region=empty)
        .values("part", "pmks", "region", "status")
        .annotate(n=Count("*"))  # COUNT(*): the count reads the index alone (COUNT(id) would read rows)
        .values_list(*fields)
        .order_by()
    )
    if area.is_province:
        cases = Case.objects.filter(regency_id__in=area.regency_codes)
    else:
        cases = Case.objects.filter(district_id__in=[d.code for d in area.districts])
    by_region = (
        cases.annotate(part=Value("w"), pmks=empty, region=_row_region(area))
        .values("part", "pmks", "region", "status")
        .annotate(n=Count("*"))  # COUNT(*): the count reads the index alone (COUNT(id) would read rows)
        .values_list(*fields)
        .order_by()
    )
    return categories.union(by_category, by_region, all=True).order_by()


def cases(area: Area) -> Panel:
    categories: list[tuple[int, str, str]] = []  # (order, code, name)
    per_category: dict[str, dict[str, int]] = {}
    per_region: dict[str, dict[str, int]] = {}
    for part, category, region, status, n in area.rows("cases", lambda: cases_query(area)):
        if part == "k":
            categories.append((n, category, region))  # (order, code, name)
        elif part == "c":
            per_category.setdefault(category, {})[status] = n
        else:
            per_region.setdefault(region, {})[status] = n
    categories.sort()
    regions = _region_rows(area, set(per_region))

    def counts_of(source: dict[str, dict[str, int]], key: str) -> list[int]:
        row = source.get(key, {})
        return [row.get(status, 0) for status in STATUSES]

    by_category = Grid(
        [counts_of(per_category, code) for _order, code, _name in categories],
        [area.exact_for(None)] * len(categories),
    )
    by_region = Grid(
        [counts_of(per_region, code) for code, _name, _link in regions],
        [area.exact_for(code if area.is_province else None) for code, _name, _link in regions],
    )
    footer = [_("Jumlah"), *joint_column_totals([by_category, by_region], len(STATUSES))]
    columns = [str(status.label).capitalize() for status in STATUSES] + [_("Jumlah")]

    category_table = Table(
        key="kasus-jenis",
        caption=_("Kasus PMKS per jenis dan status — %(area)s") % {"area": area.name},
        columns=[_("Jenis PMKS"), *columns],
        rows=[
            [name, *cells, total]
            for (_order, _code, name), cells, total in zip(
                categories, by_category.cells, by_category.row_totals(), strict=True
            )
        ],
        footer=footer,
    )
    region_table = Table(
        key="kasus-wilayah",
        caption=(
            _("Kasus PMKS per kabupaten/kota dan status")
            if area.is_province
            else _("Kasus PMKS per kecamatan dan status — %(area)s") % {"area": area.name}
        ),
        columns=[area.row_label, *columns],
        rows=[
            [name, *cells, total]
            for (_code, name, _link), cells, total in zip(regions, by_region.cells, by_region.row_totals(), strict=True)
        ],
        links=[link for _code, _name, link in regions],
        footer=footer,
    )
    status_columns = range(1, len(STATUSES) + 1)
    return Panel(
        key="kasus",
        title=_("Kasus PMKS"),
        tables=[category_table, region_table],
        charts=[
            bar_chart(
                "chart-kasus-jenis", _("Kasus PMKS per jenis dan status"), category_table, status_columns, stacked=True
            ),
            bar_chart(
                "chart-kasus-wilayah",
                _("Kasus PMKS per kabupaten/kota") if area.is_province else _("Kasus PMKS per kecamatan"),
                region_table,
                status_columns,
                stacked=True,
            ),
        ],
        notes=_notes(area, _("Setiap kasus dihitung sekali, pada jenis PMKS utamanya dan statusnya saat ini.")),
    )


def _notes(area: Area, how: str) -> list[str]:
    notes = [how]
    if not area.exact_everywhere:
        notes.append(
            _(
                "Jumlah 1 sampai 4 ditampilkan sebagai “<5” untuk melindungi penerima manfaat; jumlah yang "
                "memuat angka tersamar ditampilkan sebagai batas bawah (“≥”). Grafik tidak menggambar angka tersamar."
            )
        )
    return notes


# --- Households by decile --------------------------------------------------------------------------------------------


def households_query(area: Area) -> QuerySet:
    """One query: (region, decile, households) over the households' representatives (`Beneficiary.represented_by`).

    Each household is stored as its representative (the lowest id of a No. KK, or a beneficiary without
    No. KK), so this is a count per region and decile of the rows of one partial index
    (`cases_benef_households_idx`: regency, kecamatan, decile where `represented_by` is empty), read without
    the table. The household's region and decile are its representative's. An unknown decile comes back as
    None (`UNKNOWN_DECILE` in the table).
    """
    return (
        Beneficiary.objects.filter(regency_id__in=area.regency_codes, represented_by__isnull=True)
        .annotate(region=_row_region(area))
        .values("region", "decile")
        .annotate(n=Count("*"))  # COUNT(*): the count reads the index alone (COUNT(id) would read rows)
        .values_list("region", "decile", "n")
        .order_by()
    )


QUERY_CANCELED = "57014"  # PostgreSQL: the statement time limit (settings.DB_STATEMENT_TIMEOUT_MS) was reached


def households(area: Area) -> Panel:
    counts: dict[str, dict[int, int]] = {}
    try:
        rows = area.rows("households", lambda: households_query(area))
    except OperationalError as error:
        # Past the statement time limit (a database under heavy load) the rest of the dashboard is still shown,
        # with this panel saying so, instead of an error page (requests run in autocommit, no ATOMIC_REQUESTS:
        # the canceled statement leaves the connection usable).
        if getattr(error.__cause__, "pgcode", None) != QUERY_CANCELED:
            raise
        return Panel(
            key="desil",
            title=_("Rumah tangga per desil"),
            tables=[],
            notes=[_("Rumah tangga per desil belum dapat dihitung saat ini: penghitungan melebihi batas waktu.")],
        )
    for row, decile, n in rows:
        counts.setdefault(row or NO_DISTRICT, {})[UNKNOWN_DECILE if decile is None else decile] = n
    regions = _region_rows(area, set(counts))
    ranks = [*DECILES, UNKNOWN_DECILE]
    grid = Grid(
        [[counts.get(code, {}).get(rank, 0) for rank in ranks] for code, _name, _link in regions],
        [area.exact_for(code if area.is_province else None) for code, _name, _link in regions],
    )
    totals = joint_column_totals([grid], len(ranks))
    labels = [_("Desil %(n)s") % {"n": n} for n in DECILES] + [_("Tidak diketahui")]

    summary = Table(
        key="desil",
        caption=_("Rumah tangga per desil — %(area)s") % {"area": area.name},
        columns=[_("Desil"), _("Rumah tangga")],
        rows=[[label, total] for label, total in zip(labels, totals[:-1], strict=True)],
        footer=[_("Jumlah"), totals[-1]],
    )
    per_region = Table(
        key="desil-wilayah",
        caption=(
            _("Rumah tangga per kabupaten/kota dan desil")
            if area.is_province
            else _("Rumah tangga per kecamatan dan desil — %(area)s") % {"area": area.name}
        ),
        columns=[area.row_label, *labels, _("Jumlah")],
        rows=[
            [name, *cells, total]
            for (_code, name, _link), cells, total in zip(regions, grid.cells, grid.row_totals(), strict=True)
        ],
        links=[link for _code, _name, link in regions],
        footer=[_("Jumlah"), *totals],
    )
    return Panel(
        key="desil",
        title=_("Rumah tangga per desil"),
        tables=[summary, per_region],
        charts=[bar_chart("chart-desil", _("Rumah tangga per desil"), summary, [1])],
        notes=_notes(
            area,
            _(
                "Rumah tangga dihitung per No. KK; penerima manfaat tanpa No. KK dihitung sebagai satu rumah "
                "tangga. Desil dan wilayah rumah tangga mengikuti wakilnya: anggota yang paling awal tercatat "
                "(DTSEN/DTKS)."
            ),
        ),
    )
