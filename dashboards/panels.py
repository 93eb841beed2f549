"""The panels of the province and regency dashboards, counted in the database: a query per table, none per row.

A panel function takes the dashboard's `Area` and returns a `Panel`: its tables (the numbers)
and its charts, which are drawn from the tables' own columns, so a chart never shows a number
its table does not. The page, the XLSX export and the tests all read the same `Panel` objects.

Count rules are the recap's (`registry.recap.counted_memberships` / `counted_institutions`):
active and verified memberships of active and verified persons, active and verified institutions.
Registry rows are limited to the area's regencies by the region columns stored on each row; whether
the user may open the area at all is decided before, by `regions.scoping.dashboard_regencies_for`
(dashboards show counts; the registry's rows themselves stay behind `registry.scoping`). Forums and
events come through `forums.scoping` (`visible()`), as the names of officers and events are shown.

Queries: per-type counts 1 (shared with the province's per-regency table), per kecamatan 1, gaps 1,
officers 2 (forums with their counts; terms ending with names), events 2 (list or per region; per
month or the province-level list). Each runs through `Area.rows`, which compiles its SQL once
(`dashboards.sqlcache`) and runs it on every request; a panel whose rows have not changed since it was last
built for the same viewer is taken as it was (`dashboards.memo`).

The PMKS panels (cases by category and status, households by decile) are in `dashboards.case_panels`:
counts below 5 are shown as "<5" where `Area.exact_for` says the viewer may not see the cases themselves.
To add a panel: write `def panel(area) -> Panel` with one query through `area.rows(...)`, append it to `PANELS`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboards import memo
from dashboards.base import (  # noqa: F401  # re-exported: views, tests and the bench use panels.Area, panels.Table …
    NO_DISTRICT,
    Area,
    Chart,
    Panel,
    Table,
    _url_for_pk,
    bar_chart,
    chart_value,
    dashboard_url,
    province_url,
)
from dashboards.case_panels import cases, households
from forums.models import Event, Forum, OfficerTerm, Participation, months_before
from forums.queries import ENDING_SOON_DAYS, terms_ending
from regions.models import District, Village
from regions.scoping import regency_slug
from registry.models import Institution, Membership, PsksType
from registry.recap import (
    counted_institutions,
    counted_memberships,
)

TKSK, PSM, TAGANA, PKH = "TKSK", "PSM", "TAGANA", "PKH"
KARANG_TARUNA, LKS = "KT", "LKS"
ACCREDITATIONS = [
    Institution.Accreditation.A,
    Institution.Accreditation.B,
    Institution.Accreditation.C,
    Institution.Accreditation.NONE,
]


# --- 1. Counts per PSKS type ----------------------------------------------------------------------------------------


def psks_types(area: Area) -> Panel:
    """How many of each PSKS type, with its unit: the recap's figures for the area (one query).

    The province's figure is the sum of its regencies', as in the recap's "Jumlah" column.
    """
    counts = area.type_counts
    types = area.psks_types
    units = {value: str(label) for value, label in PsksType.Unit.choices}  # not get_unit_display() per row
    rows = [[str(t), units.get(t.unit, t.unit), sum(counts.of(t, code) for code in area.regency_codes)] for t in types]
    table = Table(
        key="jenis",
        caption=_("Jumlah PSKS per jenis — %(area)s") % {"area": area.name},
        columns=[_("Jenis PSKS"), _("Satuan"), _("Jumlah")],
        rows=rows,
    )
    return Panel(
        key="jenis",
        title=_("PSKS per jenis"),
        tables=[table],
        charts=[bar_chart("chart-jenis", _("Jumlah PSKS per jenis"), table, [2])],
        notes=[
            _("Relawan dihitung per orang menurut keanggotaan aktif yang terverifikasi; lembaga per lembaga aktif.")
        ],
    )


# --- 2. Per kecamatan (regency) or per regency (province) -----------------------------------------------------------

_PERSON_COLUMNS = [("tksk", TKSK), ("psm", PSM), ("tagana", TAGANA), ("pkh", PKH)]
_INSTITUTION_COLUMNS = [("kt", KARANG_TARUNA, None)] + [(f"lks_{a.lower()}", LKS, a) for a in ACCREDITATIONS]
_AREA_COLUMNS = [name for name, _type in _PERSON_COLUMNS] + [name for name, *_rest in _INSTITUTION_COLUMNS]


def membership_district() -> Case:
    """The kecamatan a membership counts in: its assignment area, else its unit's, else the person's domicile.

    A unit or domicile outside the membership's regency (a Tagana of Kota Serang living in Kabupaten Serang)
    gives no kecamatan: the membership is counted on the regency-level row.
    """
    return Case(
        When(district__isnull=False, then=F("district_id")),
        When(
            institution__isnull=False,
            institution__regency_id=F("regency_id"),
            then=F("institution__district_id"),
        ),
        When(institution__isnull=True, person__regency_id=F("regency_id"), then=F("person__district_id")),
        default=Value(NO_DISTRICT),
        output_field=CharField(),
    )


def area_counts(area: Area) -> dict[str, dict[str, int]]:
    """{row code: {column: count}} for the per-area table.

    Province: the regencies' figures of `Area.type_counts` (no query of its own). Regency: per kecamatan,
    in one query (UNION ALL of memberships and institutions).
    """
    if area.is_province:
        counts = area.type_counts
        return {
            code: {
                **{name: counts.persons.get((type_code, code), 0) for name, type_code in _PERSON_COLUMNS},
                **{
                    name: (
                        counts.accreditations.get((type_code, code, accreditation), 0)
                        if accreditation
                        else counts.institutions.get((type_code, code), 0)
                    )
                    for name, type_code, accreditation in _INSTITUTION_COLUMNS
                },
            }
            for code in area.regency_codes
        }
    result: dict[str, dict[str, int]] = {}
    for row, *numbers in area.rows("area_counts", lambda: area_counts_query(area)):
        counts = result.setdefault(row or NO_DISTRICT, dict.fromkeys(_AREA_COLUMNS, 0))
        for name, n in zip(_AREA_COLUMNS, numbers, strict=True):
            counts[name] += n
    return result


def area_counts_query(area: Area) -> QuerySet:
    """Per kecamatan: memberships counted per person and type, institutions per type and accreditation."""
    zero = Value(0, output_field=IntegerField())
    key = membership_district()
    persons = (
        counted_memberships(area.memberships().filter(psks_type_id__in=[code for _n, code in _PERSON_COLUMNS]))
        .annotate(row=key)
        .values("row")
        .annotate(
            **{name: Count("person_id", distinct=True, filter=Q(psks_type_id=code)) for name, code in _PERSON_COLUMNS},
            **{name: zero for name, *_rest in _INSTITUTION_COLUMNS},
        )
        .values_list("row", *_AREA_COLUMNS)
        .order_by()
    )

    def institution_filter(code: str, accreditation: str | None) -> Q:
        q = Q(psks_type_id=code)
        return q & Q(accreditation=accreditation) if accreditation else q

    units = (
        counted_institutions(area.institutions().filter(psks_type_id__in=[KARANG_TARUNA, LKS]))
        .annotate(row=F("district_id"))
        .values("row")
        .annotate(
            **{name: zero for name, _code in _PERSON_COLUMNS},
            **{
                name: Count("id", filter=institution_filter(code, accreditation))
                for name, code, accreditation in _INSTITUTION_COLUMNS
            },
        )
        .values_list("row", *_AREA_COLUMNS)
        .order_by()
    )
    return persons.union(units, all=True).order_by()


def per_area(area: Area) -> Panel:
    counts = area_counts(area)
    lks_labels = [_("LKS A"), _("LKS B"), _("LKS C"), _("LKS belum terakreditasi")]
    if area.is_province:
        columns = [area.row_label, _("TKSK"), _("PSM"), _("Tagana"), _("Pendamping PKH"), _("Karang Taruna")]
    else:
        columns = [area.row_label, _("Ada TKSK aktif"), _("TKSK"), _("PSM"), _("Tagana"), _("Pendamping PKH")]
        columns.append(_("Karang Taruna"))
    columns += [*lks_labels, _("LKS jumlah")]

    keys = area.row_keys()
    if not area.is_province and NO_DISTRICT in counts:
        keys.append((NO_DISTRICT, _("Tanpa kecamatan (tingkat kabupaten/kota)"), ""))
    rows, links = [], []
    for code, name, url in keys:
        c = counts.get(code, dict.fromkeys(_AREA_COLUMNS, 0))
        lks = [c[f"lks_{a.lower()}"] for a in ACCREDITATIONS]
        row: list[Any] = [name]
        if not area.is_province:
            row.append(c["tksk"] > 0 if code != NO_DISTRICT else None)
        row += [c["tksk"], c["psm"], c["tagana"], c["pkh"], c["kt"], *lks, sum(lks)]
        rows.append(row)
        links.append(url)
    first_number = 1 if area.is_province else 2
    footer = [_("Jumlah")] + [""] * (first_number - 1)
    footer += [sum(row[i] for row in rows) for i in range(first_number, len(columns))]

    if area.is_province:
        caption = _("PSKS per kabupaten/kota")
    else:
        caption = _("PSKS per kecamatan — %(area)s") % {"area": area.name}
    table = Table(
        key="wilayah",
        caption=caption,
        columns=columns,
        rows=rows,
        links=links,
        footer=footer,
    )
    n = first_number
    persons_chart = bar_chart(
        "chart-wilayah-relawan",
        _("Relawan per kabupaten/kota") if area.is_province else _("Relawan per kecamatan"),
        table,
        [n, n + 1, n + 2, n + 3],
    )
    units_chart = bar_chart(
        "chart-wilayah-lembaga",
        _("Lembaga per kabupaten/kota") if area.is_province else _("Lembaga per kecamatan"),
        table,
        [n + 4, n + 5, n + 6, n + 7, n + 8],
        stacked=True,
    )
    notes, hints = [], []
    if area.is_province:
        hints.append(_("Klik nama kabupaten/kota untuk melihat dasbor per kecamatan."))
    else:
        notes.append(
            _(
                "Relawan dihitung di kecamatan tugasnya; tanpa kecamatan tugas, di kecamatan lembaganya "
                "atau domisilinya. Yang bertugas di lebih dari satu kecamatan dihitung di setiap kecamatan."
            )
        )
    return Panel(
        key="wilayah",
        title=_("Per kabupaten/kota") if area.is_province else _("Per kecamatan"),
        tables=[table],
        charts=[persons_chart, units_chart],
        notes=notes,
        hints=hints,
    )


# --- 3. Gaps: kecamatan without TKSK, villages without Karang Taruna -----------------------------------------------


def _count_of(qs: QuerySet, group: str) -> Coalesce:
    """A correlated COUNT(*) of `qs`, zero when it has no rows."""
    return Coalesce(Subquery(qs.values(group).annotate(c=Count("pk")).values("c")[:1]), 0)


def gap_rows(area: Area) -> list[tuple]:
    """Rows (kind, code, name, parent, has TKSK, villages, villages without Karang Taruna), sorted by kind and code."""
    return sorted(area.rows("gaps", lambda: gaps_query(area)), key=lambda row: (row[0], row[1]))


def gaps_query(area: Area) -> QuerySet:
    """One query: per kecamatan (kind "kecamatan"): has an active TKSK, villages, villages without Karang Taruna;
    and on the regency dashboard, the villages without one (kind "desa"), UNION ALL.
    """
    active_tksk = counted_memberships(Membership.objects.filter(psks_type_id=TKSK, district_id=OuterRef("code")))
    karang_taruna = counted_institutions(
        Institution.objects.filter(psks_type_id=KARANG_TARUNA, village_id=OuterRef("pk"))
    )
    villages = Village.objects.filter(district_id=OuterRef("code"))
    fields = ["row_kind", "code", "name", "parent", "has_tksk", "village_count", "without_kt"]
    districts = (
        District.objects.filter(regency_id__in=area.regency_codes)
        .annotate(
            row_kind=Value("kecamatan"),
            parent=F("regency_id"),
            has_tksk=Exists(active_tksk),
            village_count=_count_of(villages, "district_id"),
            without_kt=_count_of(villages.filter(~Exists(karang_taruna)), "district_id"),
        )
        .values_list(*fields)
        .order_by()
    )
    if area.is_province:
        return districts
    uncovered = (
        Village.objects.filter(district__regency_id__in=area.regency_codes)
        .filter(~Exists(karang_taruna))
        .annotate(
            row_kind=Value("desa"),
            parent=F("district_id"),
            has_tksk=Value(False),
            village_count=Value(0),
            without_kt=Value(0),
        )
        .values_list(*fields)
        .order_by()
    )
    return districts.union(uncovered, all=True).order_by()


def gaps(area: Area) -> Panel:
    rows = gap_rows(area)
    districts = [r for r in rows if r[0] == "kecamatan"]
    villages = [r for r in rows if r[0] == "desa"]
    district_names = {r[1]: r[2] for r in districts}
    if area.is_province:
        per_regency: dict[str, list[int]] = {code: [0, 0, 0, 0] for code in area.regency_codes}
        for _kind, _code, _name, regency_code, has_tksk, n_villages, without_kt in districts:
            totals = per_regency[regency_code]
            totals[0] += 1
            totals[1] += 0 if has_tksk else 1
            totals[2] += n_villages
            totals[3] += without_kt
        summary = Table(
            key="kesenjangan",
            caption=_("Kesenjangan per kabupaten/kota"),
            columns=[
                area.row_label,
                _("Kecamatan"),
                _("Kecamatan tanpa TKSK aktif"),
                _("Desa/kelurahan"),
                _("Desa/kelurahan tanpa Karang Taruna aktif"),
            ],
            rows=[[r.name, *per_regency[r.code]] for r in area.regencies],
            links=area.regency_urls,
        )
        summary.footer = [_("Jumlah")] + [sum(summary.column(i)) for i in range(1, 5)]
        regency_names = {r.code: r.name for r in area.regencies}
        without_tksk = Table(
            key="tanpa-tksk",
            caption=_("Kecamatan tanpa TKSK aktif"),
            columns=[_("Kabupaten/Kota"), _("Kecamatan"), _("Kode")],
            rows=[[regency_names[r[3]], r[2], r[1]] for r in districts if not r[4]],
            collapsed=True,
            empty=_("Setiap kecamatan memiliki TKSK aktif."),
        )
        chart = bar_chart("chart-kesenjangan", _("Kecamatan tanpa TKSK dan desa tanpa Karang Taruna"), summary, [2, 4])
        return Panel(key="kesenjangan", title=_("Kesenjangan"), tables=[summary, without_tksk], charts=[chart])

    summary = Table(
        key="kesenjangan",
        caption=_("Kesenjangan per kecamatan — %(area)s") % {"area": area.name},
        columns=[
            area.row_label,
            _("Ada TKSK aktif"),
            _("Desa/kelurahan"),
            _("Desa/kelurahan tanpa Karang Taruna aktif"),
        ],
        rows=[[r[2], bool(r[4]), r[5], r[6]] for r in districts],
    )
    summary.footer = [_("Jumlah"), "", sum(summary.column(2)), sum(summary.column(3))]
    without_tksk = Table(
        key="tanpa-tksk",
        caption=_("Kecamatan tanpa TKSK aktif"),
        columns=[_("Kecamatan"), _("Kode")],
        rows=[[r[2], r[1]] for r in districts if not r[4]],
        empty=_("Setiap kecamatan memiliki TKSK aktif."),
    )
    uncovered = Table(
        key="desa-tanpa-kt",
        caption=_("Desa/kelurahan tanpa Karang Taruna aktif"),
        columns=[_("Kecamatan"), _("Desa/kelurahan"), _("Kode")],
        rows=[[district_names.get(r[3], r[3]), r[2], r[1]] for r in villages],
        collapsed=True,
        empty=_("Setiap desa/kelurahan memiliki Karang Taruna aktif."),
    )
    chart = bar_chart("chart-kesenjangan", _("Desa/kelurahan tanpa Karang Taruna per kecamatan"), summary, [3])
    return Panel(
        key="kesenjangan",
        title=_("Kesenjangan"),
        tables=[without_tksk, summary, uncovered],
        charts=[chart],
    )


# --- 4. Forum officers and vacancies ------------------------------------------------------------------------------


_FORUM_FIELDS = ["pk", "name", "level", "regency_id", "chair_name", "chair_acting", "officers", "ending"]


def forum_rows(area: Area) -> list[dict[str, Any]]:
    """The area's active forums, each with its chair, officers today, terms ending within 90 days, and for
    each single-holder position whether it is held today and when its last term ended (one query).

    A vacancy is `forums.queries.vacancies`'s: a single-holder position of an active forum that no term
    covers today, vacant since the day after its last ended term (test_panels pins that they agree).
    """
    names = _FORUM_FIELDS + [f"{kind}_{i}" for i in range(len(area.single_positions)) for kind in ("held", "last_end")]
    return [dict(zip(names, row, strict=True)) for row in area.rows("forums", lambda: forums_query(area, names))]


def forums_query(area: Area, names: list[str]) -> QuerySet:
    today = area.today
    terms = OfficerTerm.objects.filter(forum_id=OuterRef("pk"))
    current = terms.current(today)
    per_position: dict[str, Any] = {}
    for i, position in enumerate(area.single_positions):
        per_position[f"held_{i}"] = Exists(current.filter(position_id=position.code))
        per_position[f"last_end_{i}"] = Subquery(
            terms.filter(position_id=position.code, end_date__lt=today).order_by("-end_date").values("end_date")[:1]
        )
    return (
        area.forums()
        .active()
        .with_current_chair(today)
        .annotate(
            officers=_count_of(current, "forum_id"),
            ending=_count_of(terms.ending_within(ENDING_SOON_DAYS, today), "forum_id"),
            **per_position,
        )
        .values_list(*names)
        .order_by(F("regency_id").asc(nulls_first=True), F("district_id").asc(nulls_first=True), "name", "pk")
    )


def _vacancies_of(area: Area, row: dict[str, Any]) -> list[tuple[str, dt.date | None]]:
    """(position name, vacant since) of one forum row of `forum_rows`."""
    vacant = []
    for i, position in enumerate(area.single_positions):
        if not row[f"held_{i}"]:
            ended = row[f"last_end_{i}"]
            vacant.append((position.name, ended + dt.timedelta(days=1) if ended else None))
    return vacant


def officers(area: Area) -> Panel:
    """Forum boards: officers today, vacant single-holder offices, terms ending within 90 days.

    Two queries: the forums with their counts (`forum_rows`), and the terms ending soon with their
    holders' names (`forums.queries.terms_ending`).
    """
    rows = forum_rows(area)
    province_level = _("Tingkat provinsi")
    level_names = {value: str(label) for value, label in Forum.Level.choices}

    # The lists name the area's own forums: on the province dashboard the province-level ones (the
    # regencies' forums are counted per row of the summary and listed on their own dashboards).
    listed = [row for row in rows if row["regency_id"] is None] if area.is_province else rows

    def listed_forums() -> QuerySet[Forum]:
        return area.forums().filter(regency__isnull=True) if area.is_province else area.forums()

    acting = _("Plt.")
    ending_terms = area.rows(
        "terms_ending",
        lambda: terms_ending(listed_forums(), area.today, ENDING_SOON_DAYS).values_list(
            "person__full_name", "forum__name", "position__name", "acting", "end_date", "has_successor"
        ),
    )
    which = _("forum tingkat provinsi") if area.is_province else _("forum %(area)s") % {"area": area.name}
    ending = Table(
        key="jabatan-berakhir",
        caption=_("Masa jabatan %(which)s yang berakhir dalam %(days)s hari")
        % {"which": which, "days": ENDING_SOON_DAYS},
        columns=[_("Nama"), _("Forum"), _("Jabatan"), _("Berakhir"), _("Pengganti sudah tercatat")],
        rows=[
            [name, forum, f"{acting} {position}" if is_acting else position, end, successor]
            for name, forum, position, is_acting, end, successor in ending_terms
        ],
        empty=_("Tidak ada masa jabatan yang berakhir dalam %(days)s hari.") % {"days": ENDING_SOON_DAYS},
    )
    vacancies_table = Table(
        key="jabatan-kosong",
        caption=_("Jabatan kosong %(which)s") % {"which": which},
        columns=[_("Forum"), _("Jabatan"), _("Kosong sejak")],
        rows=[[row["name"], position, since] for row in listed for position, since in _vacancies_of(area, row)],
        empty=_("Tidak ada jabatan ketua, sekretaris, atau bendahara yang kosong."),
    )
    columns_counts = [_("Pengurus saat ini"), _("Jabatan kosong"), _("Berakhir ≤ %(days)s hari") % {"days": 90}]
    if area.is_province:
        per_region: dict[str | None, list[int]] = {None: [0, 0, 0, 0], **{c: [0, 0, 0, 0] for c in area.regency_codes}}
        for row in rows:
            totals = per_region.setdefault(row["regency_id"], [0, 0, 0, 0])
            totals[0] += 1
            totals[1] += row["officers"]
            totals[2] += len(_vacancies_of(area, row))
            totals[3] += row["ending"]
        summary = Table(
            key="pengurus",
            caption=_("Forum dan pengurus per wilayah"),
            columns=[_("Wilayah"), _("Forum aktif"), *columns_counts],
            rows=[[province_level, *per_region[None]]] + [[r.name, *per_region[r.code]] for r in area.regencies],
            links=["", *area.regency_urls],
        )
        summary.footer = [_("Jumlah")] + [sum(summary.column(i)) for i in range(1, 5)]
        chart = bar_chart("chart-pengurus", _("Pengurus dan jabatan kosong per wilayah"), summary, [2, 3, 4])
    else:
        summary = Table(
            key="pengurus",
            caption=_("Forum dan pengurus — %(area)s") % {"area": area.name},
            columns=[_("Forum"), _("Tingkat"), _("Ketua"), *columns_counts],
            rows=[
                [
                    row["name"],
                    level_names.get(row["level"], row["level"]),
                    (f"{acting} {row['chair_name']}" if row["chair_acting"] else row["chair_name"]),
                    row["officers"],
                    len(_vacancies_of(area, row)),
                    row["ending"],
                ]
                for row in rows
            ],
            empty=_("Belum ada forum aktif yang tercatat di wilayah ini."),
        )
        chart = bar_chart("chart-pengurus", _("Pengurus dan jabatan kosong per forum"), summary, [3, 4, 5])
    return Panel(
        key="pengurus",
        title=_("Pengurus forum dan kekosongan"),
        tables=[summary, ending, vacancies_table],
        charts=[chart] if summary.rows else [],
        notes=[
            _("Jabatan kosong: ketua, sekretaris, atau bendahara forum aktif yang tidak dipegang siapa pun hari ini.")
        ],
    )


# --- 5. Events and trainings in the last 12 months -------------------------------------------------------------------


def event_totals(area: Area, recent: Callable[[], QuerySet[Event]], *, by_month: bool = False) -> dict[Any, list[int]]:
    """{organiser regency (None: province level) or month: [events, trainings, participants, attended]}, one query."""
    name = "events_per_month" if by_month else "events_per_region"
    result: dict[Any, list[int]] = {}
    for group, *numbers in area.rows(name, lambda: event_totals_query(area, recent(), by_month=by_month)):
        if isinstance(group, dt.datetime):  # a truncated date comes back as a datetime on some backends
            group = group.date()
        totals = result.setdefault(group, [0, 0, 0, 0])
        for i, n in enumerate(numbers):
            totals[i] += n
    return result


def event_totals_query(area: Area, recent: QuerySet[Event], *, by_month: bool) -> QuerySet:
    """UNION ALL of the events and of their participations, each grouped by region or month (no DISTINCT)."""
    zero = Value(0, output_field=IntegerField())
    per_event = (
        recent.annotate(group=TruncMonth("start_date") if by_month else F("regency_id"))
        .values_list("group")
        .annotate(
            events=Count("id"),
            trainings=Count("id", filter=Q(kind__in=Event.TRAINING_KINDS)),
            participants=zero,
            attended=zero,
        )
        .order_by()
    )
    # All participations of the visible events, as `Event.with_attendance()` counts them for the list: counts
    # only, no names (forums.scoping hides other regencies' participants' names, not the size of an event).
    per_participation = (
        Participation.objects.filter(event__in=recent.values("pk"))
        .annotate(group=TruncMonth("event__start_date") if by_month else F("event__regency_id"))
        .values_list("group")
        .annotate(
            events=zero,
            trainings=zero,
            participants=Count("id"),
            attended=Count("id", filter=Q(attended=True)),
        )
        .order_by()
    )
    return per_event.union(per_participation, all=True).order_by()


def _months(since: dt.date, until: dt.date) -> list[dt.date]:
    """The first days of the months from `since`'s to `until`'s."""
    months, month = [], since.replace(day=1)
    while month <= until:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


@functools.cache
def _month_label(month: dt.date, language: str | None) -> str:
    """ "Jan 2026": the month's column label, worked out once per month and language (catalogs do not change)."""
    return formats.date_format(month, "M Y")


@functools.cache
def _event_kinds(language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in Event.Kind.choices}


def events(area: Area) -> Panel:
    """Events and trainings that started in the last 12 months, with participants and attendance.

    Regency: one query, a row per event of the regency's organisers (forums and Dinsos). Province: a row
    per organiser region in one query, and the province-level events in a second one.
    """
    since = months_before(area.today, 12)

    def recent(**filters: Any) -> Callable[[], QuerySet[Event]]:
        """The visible events of the last 12 months (and `filters`), built only when their SQL is compiled."""
        return lambda: area.events().in_last_months(12, area.today).filter(**filters)

    language = get_language()
    kinds = _event_kinds(language)
    training_kinds = set(Event.TRAINING_KINDS)
    province_organiser = _("Dinas Sosial Provinsi Banten")
    count_columns = [_("Kegiatan"), _("Pelatihan"), _("Peserta"), _("Hadir")]
    caption_dates = {"since": since.strftime("%d-%m-%Y"), "today": area.today.strftime("%d-%m-%Y")}

    def event_table(qs: Callable[[], QuerySet[Event]], key: str, caption: str, link: Callable[[int], str]) -> Table:
        """A row per event; the organiser named as `Event.organiser_name` does, without loading models."""
        events_ = area.rows(
            key,
            lambda: (
                qs()
                .with_attendance()
                .values_list(
                    "pk",
                    "title",
                    "start_date",
                    "kind",
                    "organiser_forum__name",
                    "organiser_regency__name",
                    "participant_count",
                    "attended_count",
                )
                .order_by("-start_date", "-pk")
            ),
        )
        rows, links = [], []
        regency_organisers: dict[str, str] = {}
        for pk, title, start, kind, forum_name, regency_name, participants, attended in events_:
            if forum_name:
                organiser = forum_name
            elif regency_name:
                organiser = regency_organisers.get(regency_name) or regency_organisers.setdefault(
                    regency_name, _("Dinas Sosial %(regency)s") % {"regency": regency_name}
                )
            else:
                organiser = province_organiser
            label = f"{title} ({start:%d-%m-%Y})"
            rows.append([label, kinds.get(kind, kind), kind in training_kinds, organiser, participants, attended])
            links.append(link(pk))
        table = Table(
            key=key,
            caption=caption,
            columns=[_("Kegiatan"), _("Jenis"), _("Pelatihan"), _("Penyelenggara"), _("Peserta"), _("Hadir")],
            rows=rows,
            links=links,
            empty=_("Tidak ada kegiatan yang tercatat dalam 12 bulan terakhir."),
        )
        if rows:
            table.footer = [
                _("Jumlah: %(n)s kegiatan, %(t)s pelatihan") % {"n": len(rows), "t": sum(1 for r in rows if r[2])},
                "",
                "",
                "",
                sum(table.column(4)),
                sum(table.column(5)),
            ]
        return table

    if not area.is_province:
        regency = area.regency
        table = event_table(
            recent(regency_id=regency.code),
            "kegiatan",
            _("Kegiatan dan pelatihan %(since)s s.d. %(today)s") % caption_dates,
            _url_for_pk("dashboards:regency_event", regency_slug(regency)),
        )
        per_month = event_totals(area, recent(regency_id=regency.code), by_month=True)
        monthly = Table(
            key="kegiatan-bulanan",
            caption=_("Kegiatan dan pelatihan per bulan, %(since)s s.d. %(today)s") % caption_dates,
            columns=[_("Bulan"), *count_columns],
            rows=[
                [_month_label(month, language), *per_month.get(month, [0, 0, 0, 0])]
                for month in _months(since, area.today)
            ],
        )
        monthly.footer = [_("Jumlah")] + [sum(monthly.column(i)) for i in range(1, 5)]
        chart = bar_chart("chart-kegiatan", _("Kegiatan, peserta, dan kehadiran per bulan"), monthly, [1, 2, 3, 4])
        return Panel(
            key="kegiatan",
            title=_("Kegiatan dan pelatihan 12 bulan terakhir"),
            tables=[monthly, table],
            charts=[chart],
            hints=[_("Klik nama kegiatan untuk melihat siapa yang hadir.")],
        )

    per_region = event_totals(area, recent())
    zero = [0, 0, 0, 0]
    summary = Table(
        key="kegiatan",
        caption=_("Kegiatan dan pelatihan per wilayah penyelenggara, %(since)s s.d. %(today)s") % caption_dates,
        columns=[_("Wilayah penyelenggara"), *count_columns],
        rows=[[_("Tingkat provinsi"), *per_region.get(None, zero)]]
        + [[r.name, *per_region.get(r.code, zero)] for r in area.regencies],
        links=["", *area.regency_urls],
    )
    summary.footer = [_("Jumlah")] + [sum(summary.column(i)) for i in range(1, 5)]
    province_events = event_table(
        recent(regency__isnull=True),
        "kegiatan-provinsi",
        _("Kegiatan tingkat provinsi %(since)s s.d. %(today)s") % caption_dates,
        _url_for_pk("dashboards:province_event"),
    )
    return Panel(
        key="kegiatan",
        title=_("Kegiatan dan pelatihan 12 bulan terakhir"),
        tables=[summary, province_events],
        charts=[bar_chart("chart-kegiatan", _("Kegiatan, peserta, dan kehadiran per wilayah"), summary, [1, 2, 3, 4])],
        hints=[
            _("Klik nama kabupaten/kota untuk melihat kegiatannya, atau nama kegiatan untuk melihat siapa yang hadir.")
        ],
    )


# --- The list of panels ---------------------------------------------------------------------------------------------

PanelFunction = Callable[[Area], Panel]

PANELS: list[PanelFunction] = [psks_types, per_area, gaps, officers, events, cases, households]


def build(area: Area, panels: Sequence[PanelFunction] = PANELS) -> list[Panel]:
    """The panels of the area, each built again only if its rows changed since it was last built (`memo`)."""
    return [memo.build(area, panel) for panel in panels]
