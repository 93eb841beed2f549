"""The panels' SQL, compiled once and run on every request: the numbers stay live, the ORM's work does not repeat.

Building a panel's queryset (subqueries, conditional counts, a UNION) and compiling it costs the ORM more
than PostgreSQL needs to run it (bench/README.md). The SQL and its parameters depend only on what goes
into the key (panel, regions, date, the user and their roles), so it is kept per key, per thread (a
compiler belongs to its thread's connection), at most `MAX_ENTRIES`; the database runs it every time,
and Django's own converters turn the rows into Python values exactly as `values_list()` would.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

MAX_ENTRIES = 512
_local = threading.local()


def _entries() -> OrderedDict:
    entries = getattr(_local, "entries", None)
    if entries is None:
        entries = _local.entries = OrderedDict()
    return entries


def clear() -> None:
    _entries().clear()


def rows(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of the `values_list()` queryset `build()` returns, compiled once per key."""
    entries = _entries()
    entry = entries.get(key)
    if entry is None:
        queryset = build()
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. a scoping rule that gives nothing: no query at all, as the ORM does
            sql, params = "", ()
        entry = entries[key] = (compiler, sql, params)
        if len(entries) > MAX_ENTRIES:
            entries.popitem(last=False)
    else:
        entries.move_to_end(key)
    compiler, sql, params = entry
    if not sql:
        return []
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if compiler.has_extra_select:  # columns selected only for ordering
        fetched = [row[: compiler.col_count] for row in fetched]
    return list(compiler.results_iter(results=[fetched], tuple_expected=True))
