"""The panels' SQL, compiled once and run on every request: the numbers stay live, the ORM's work does not repeat.

Why: building and compiling a panel's queryset (subqueries, conditional counts, a UNION) costs the ORM more
than PostgreSQL needs to run it: 40–60 ms for the seven queries of a regency dashboard whose SQL runs in
≈ 35 ms (bench/README.md, "cold ms"). Results are never cached: the database runs the SQL on every request.

What the key must hold: everything the SQL is built from. `panels.Area.sql_key` gives the area's regions,
the date, the single-holder offices, and the user with their superuser flag and role assignments (the
scoping rules of `pskshub.scoping` read nothing else; a role granted or withdrawn gives another key, so
the next request compiles again). A panel whose SQL depended on anything else (rows read while building
the queryset, the time of day) would need it in the key: `test_panels.py` pins that the compiled SQL
is the ORM's, before and after the data changes, and follows the date and the roles.

What an entry holds: the SQL text, its parameters, and Django's converters for its columns (what
`values_list()` would apply), not the queryset or its compiler: a few kilobytes, not the ≈ 60 kB of a
compiled query tree (`objects()`, for the reference data the view reads, adds the model and its field names).
At most `MAX_ENTRIES` per thread, least recently used dropped first. Per thread because the converters belong
to the thread's connection; a worker thread lives for many requests.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet

MAX_ENTRIES = 512


@dataclass(frozen=True)
class Compiled:
    alias: str
    sql: str  # "" when the query can have no rows (Django sends no query then either)
    params: tuple
    col_count: int  # columns of the values_list(); more come back when ORDER BY needs extra ones
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]  # (column, converters, expression)

    def rows(self) -> list[tuple]:
        if not self.sql:
            return []
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            fetched = cursor.fetchall()
        width = self.col_count
        if not fetched or not self.converters:
            return [row if len(row) == width else row[:width] for row in fetched]
        # Column by column (transposed in C): a converter is called per cell, the loops around it are not Python's.
        columns = list(zip(*fetched, strict=True))[:width]
        for position, converters, expression in self.converters:
            column = columns[position]
            for converter in converters:
                column = [converter(value, expression, connection) for value in column]
            columns[position] = column
        return list(zip(*columns, strict=True))


def compile_queryset(queryset: QuerySet) -> Compiled:
    """The SQL of a `values_list()` queryset and the converters `values_list()` would apply to its rows."""
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. a scoping rule that gives nothing: no query at all, as the ORM does
        return Compiled(queryset.db, "", (), 0, ())
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ValueError("sqlcache: composite primary keys are not supported")
    converters = tuple(
        (position, tuple(converters), expression)
        for position, (converters, expression) in compiler.get_converters(fields).items()
    )
    return Compiled(queryset.db, sql, tuple(params), compiler.col_count, converters)


def uncached(query: QuerySet) -> list[tuple]:
    """The same rows, built and compiled afresh (what the page would do without this module: the tests compare)."""
    return list(query)


class ThreadStore:
    """A bounded store per thread, least recently used dropped first (here: compiled SQL; `dashboards.memo`: panels)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._local = threading.local()

    def _entries(self) -> OrderedDict[Hashable, Any]:
        entries = getattr(self._local, "entries", None)
        if entries is None:
            entries = self._local.entries = OrderedDict()
        return entries

    def get(self, key: Hashable) -> Any:
        entries = self._entries()
        entry = entries.get(key)
        if entry is not None:
            entries.move_to_end(key)
        return entry

    def put(self, key: Hashable, entry: Any) -> Any:
        entries = self._entries()
        entries[key] = entry
        entries.move_to_end(key)
        if len(entries) > self.max_entries:
            entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        self._entries().clear()


_store = ThreadStore(MAX_ENTRIES)


def clear() -> None:
    _store.clear()


def _entry(key: Hashable, make: Callable[[], Any]) -> Any:
    entry = _store.get(key)
    return entry if entry is not None else _store.put(key, make())


def rows(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of the `values_list()` queryset `build()` returns; `build()` is called once per key."""
    return _entry(key, lambda: compile_queryset(build())).rows()


def compiled_rows(key: Hashable) -> list[tuple] | None:
    """The rows of the SQL compiled under `key`, run now; None if none is (`dashboards.memo` checks a kept panel)."""
    entry = _store.get(key)
    return entry.rows() if isinstance(entry, Compiled) else None


def objects(key: Hashable, build: Callable[[], QuerySet[Model]]) -> list[Model]:
    """The model instances of the plain queryset `build()` returns (fields of its model only, `only()` allowed; no
    `select_related`), as iterating it would give them: the reference data a page reads with its panels."""

    def make() -> tuple[Compiled, type[Model], tuple[str, ...]]:
        queryset = build()
        compiler = queryset.query.get_compiler(queryset.db)
        compiler.setup_query()
        if compiler.klass_info is None or compiler.klass_info.get("related_klass_infos") or compiler.annotation_col_map:
            raise ValueError("sqlcache.objects: a plain model queryset only")
        attnames = tuple(column.target.attname for column, *_rest in compiler.select)
        return compile_queryset(queryset), queryset.model, attnames

    compiled, model, attnames = _entry(key, make)
    return [model.from_db(compiled.alias, attnames, row) for row in compiled.rows()]
