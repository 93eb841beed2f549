"""Panels built again only when what they show has changed: the SQL runs on every request, the Python only then.

Why: on a regency dashboard, turning the rows into tables and rendering their thousands of cells costs the
page about as much Python as everything else it does (bench/README.md). The numbers must stay exact and
current, so the queries still run on every request; what is skipped is the work done with unchanged rows.

A panel (`def panel(area) -> Panel`) is a function of:
- the rows its queries return, all read through `Area.rows`;
- the reference data the area holds (`Area.reference`: regions, kecamatan, PSKS types, offices as read);
- what `Area.sql_key` holds (regions, date, offices, the viewer, their superuser flag and roles: from
  these come the scoping rules and who sees small case counts exactly);
- the language.
After a panel is built, the rows it read are kept with it, keyed by the last two and the panel. The next
request with the same key runs the same queries (`Area.current_rows`) and, when every row and the reference
data are equal, takes the kept panel, already rendered (`Panel.html`), instead of building it again.
A panel that reads the database other than through `Area.rows` is never kept (nothing would say that its
data changed), nor one built while a query failed (the households past the statement time limit).
`test_memo.py` pins that a kept panel is the one a fresh build gives.

Per thread, like the compiled SQL (`dashboards.sqlcache`); at most `MAX_ENTRIES` panels, least recently
used dropped first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import get_language

from dashboards.base import Area, Panel
from dashboards.sqlcache import ThreadStore

MAX_ENTRIES = 128  # panels: seven per dashboard and viewer


@dataclass(frozen=True)
class Kept:
    reference: list
    reads: tuple[tuple[str, list[tuple]], ...]  # (query name, rows) in the order the panel read them
    panel: Panel


_store = ThreadStore(MAX_ENTRIES)


def clear() -> None:
    _store.clear()


def build(area: Area, panel_function: Callable[[Area], Panel]) -> Panel:
    """The panel for this area: kept if its rows and reference data are unchanged, else built (and kept)."""
    key = (panel_function, get_language(), area.sql_key)
    kept: Kept | None = _store.get(key)
    if kept is not None and _unchanged(area, kept):
        return kept.panel
    outside = []

    def watch(execute, sql, params, many, context):
        if not area.querying:
            outside.append(sql)
        return execute(sql, params, many, context)

    area.reads = {}
    try:
        with connection.execute_wrapper(watch):
            panel = panel_function(area)
        reads = tuple(area.reads.items())
    finally:
        area.reads = None
    if not outside and all(rows is not None for _name, rows in reads):
        _store.put(key, Kept(area.reference, reads, panel))
    return panel


def _unchanged(area: Area, kept: Kept) -> bool:
    return kept.reference == area.reference and all(area.current_rows(name) == rows for name, rows in kept.reads)
