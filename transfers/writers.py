"""Many rows at once, with their history rows: PostgreSQL COPY, elsewhere bulk_create / bulk_update.

Rows are dicts of column attnames. Each written record gets a history row (django-simple-history's
table) naming the importing user, like `registry.services.record_save` does one save at a time.

On PostgreSQL a table's COPY plan (its columns, one formatter per column) is worked out once per model.
A new record's cells are formatted once: the history row repeats the same text and adds the history
columns, so `insert(..., history=…)` writes the record and its "+" history row in one pass.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from operator import call, itemgetter

from django.db import connection
from django.db.models import Model

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")
COPY_READ_SIZE = 1 << 16


def copy_supported() -> bool:
    return connection.vendor == "postgresql" and hasattr(_raw_cursor_class(), "copy_expert")


def _raw_cursor_class():
    connection.ensure_connection()
    return type(connection.connection.cursor())


# --- One cell in COPY's text format ---------------------------------------------------------------------------------


def copy_text(value) -> str:
    """Text as COPY reads it: backslash, tab, newline and carriage return escaped (only when present)."""
    if value is None:
        return NULL
    text = value if type(value) is str else str(value)
    if text.isprintable() and "\\" not in text:  # the common case: nothing to escape
        return text
    return text.translate(_ESCAPES)


def copy_bool(value) -> str:
    if value is None:
        return NULL
    return "t" if value else "f"


def _or_null(formatter: Callable[[object], str]) -> Callable[[object], str]:
    def format_or_null(value) -> str:
        return NULL if value is None else formatter(value)

    return format_or_null


def copy_value(value) -> str:
    """Any value (the formatter of a column of a type not listed in `_formatter`)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return copy_bool(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return copy_text(value)


INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField", "URLField"}


def _formatter(field) -> Callable[[object], str]:
    """The column's formatter, chosen once: a C function where the value cannot be NULL."""
    kind = field.target_field.get_internal_type() if field.is_relation else field.get_internal_type()
    if kind in TEXT_TYPES:
        return copy_text
    if kind == "BooleanField":
        return copy_bool
    if kind in INTEGER_TYPES:
        formatter = str
    elif kind == "DateField":
        formatter = dt.date.isoformat
    elif kind == "DateTimeField":
        formatter = dt.datetime.isoformat
    else:
        return copy_value
    return _or_null(formatter) if field.null or field.is_relation or field.primary_key else formatter


def _getter(columns: Sequence[str]) -> Callable[[dict], tuple]:
    """The row's values in column order, one C call (a row without some column gives None there)."""
    get = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))

    def values(row: dict) -> tuple:
        try:
            return get(row)
        except KeyError:
            return tuple(row.get(c) for c in columns)

    return values


@dataclass(frozen=True)
class _Part:
    """Some columns of a table: their COPY names, a getter of their values and a formatter each."""

    attnames: tuple[str, ...]
    columns: tuple[str, ...]
    values: Callable[[dict], tuple]
    formatters: tuple[Callable[[object], str], ...]

    @classmethod
    def of(cls, fields) -> _Part:
        fields = list(fields)
        return cls(
            tuple(f.attname for f in fields),
            tuple(f.column for f in fields),
            _getter([f.attname for f in fields]),
            tuple(_formatter(f) for f in fields),
        )

    def line(self, row: dict) -> str:
        return "\t".join(map(call, self.formatters, self.values(row)))


@dataclass(frozen=True)
class _Plan:
    """A model's COPY: `shared` columns (also in its history table, in the history's order), then the rest."""

    table: str
    shared: _Part
    rest: _Part
    history_table: str | None

    def copy_sql(self) -> str:
        return _copy_sql(self.table, (*self.shared.columns, *self.rest.columns))

    def history_sql(self, *, with_ids: bool) -> str:
        return _copy_sql(
            self.history_table, (*self.shared.columns, *HISTORY_COLUMNS, *(("history_id",) if with_ids else ()))
        )


def _copy_sql(table: str, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


@functools.cache
def _plan(model: type[Model], with_ids: bool) -> _Plan:
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if with_ids or f is not pk]
    history = getattr(model, "history", None)
    if history is None:
        return _Plan(model._meta.db_table, _Part.of(fields), _Part.of([]), None)
    historical = history.model
    tracked = [f.attname for f in historical._meta.concrete_fields if not f.attname.startswith("history_")]
    extra = {f.attname for f in historical._meta.concrete_fields if f.attname.startswith("history_")}
    if extra != {"history_id", *HISTORY_COLUMNS}:
        raise LookupError(f"{historical.__name__}: unexpected history columns {sorted(extra)}")
    by_attname = {f.attname: f for f in fields}
    shared = [by_attname[a] for a in tracked if a in by_attname]
    rest = [f for f in fields if f.attname not in set(tracked)]
    return _Plan(model._meta.db_table, _Part.of(shared), _Part.of(rest), historical._meta.db_table)


def _copy(sql: str, buffer: io.StringIO) -> None:
    buffer.seek(0)
    with connection.cursor() as cursor, connection.wrap_database_errors:  # IntegrityError as Django's
        cursor.cursor.copy_expert(sql, buffer, size=COPY_READ_SIZE)


class CopyQueue:
    """COPYs sent by a second thread on the same connection (same transaction), in order.

    PostgreSQL stores one chunk (in its own process, on the machine's other core) while Python checks
    the next. Writers given the queue hold their COPYs and draw new primary keys from ids reserved
    beforehand; `send()` starts the held COPYs in the background. The connection serves one thread at a
    time: the importer waits for the running COPYs (`wait_running`) before its lookups, reserves ids, then
    sends; writers that must query (updates) wait themselves. A failed COPY is raised by the next wait as
    Django's error (IntegrityError …), and the caller's transaction rolls back. Ids reserved but not used
    (at most one chunk's) are left unused, as a rolled back insert leaves them.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-copy")
        self._held: list[tuple[str, io.StringIO]] = []
        self._running: Future | None = None
        self._ids: dict[type[Model], list[int]] = {}

    def copy(self, sql: str, buffer: io.StringIO) -> None:
        self._held.append((sql, buffer))

    def reserve_ids(self, model: type[Model], count: int) -> None:
        """At least `count` new primary keys of `model` at hand (a query: after `wait_running`)."""
        pool = self._ids.setdefault(model, [])
        if len(pool) < count:
            self.wait_running()
            pool.extend(allocate_ids(model, count - len(pool)))

    def take_ids(self, model: type[Model], count: int) -> list[int]:
        self.reserve_ids(model, count)
        pool = self._ids[model]
        taken, self._ids[model] = pool[:count], pool[count:]
        return taken

    def send(self) -> None:
        """Start the held COPYs in the background (after the ones running, which finish first)."""
        if not self._held:
            return
        self.wait_running()
        held, self._held = self._held, []
        self._running = self._executor.submit(self._run, held)

    def _run(self, held: list[tuple[str, io.StringIO]]) -> None:
        with self._raw.cursor() as cursor:
            for sql, buffer in held:
                # Read in one piece: psycopg2 takes the GIL for every read, and the importer's thread,
                # busy checking the next chunk, gives it up only every 5 ms (sys.getswitchinterval()).
                # Read by 64 kB, a 100,000-row commit spent about 3 s of its 16 waiting for it.
                size = buffer.seek(0, io.SEEK_END)
                buffer.seek(0)
                cursor.copy_expert(sql, buffer, size=max(size, COPY_READ_SIZE))

    def wait_running(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            with connection.wrap_database_errors:
                running.result()

    def wait(self) -> None:
        """Send what is held and wait for every COPY."""
        self.send()
        self.wait_running()

    def close(self) -> None:
        """Stop without sending what is held; wait for a running COPY without raising (error path)."""
        self._held = []
        if self._running is not None:
            self._running.exception()
            self._running = None
        self._executor.shutdown()


def _history_suffix(history_type: str, user_id: int | None, date: dt.datetime, reason: str) -> str:
    """The history columns after a record's shared cells (tab first, no newline)."""
    user = NULL if user_id is None else str(user_id)
    return f"\t{date.isoformat()}\t{copy_text(reason)}\t{history_type}\t{user}"


# --- Writing ----------------------------------------------------------------------------------------------------------


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys from the table's sequence (PostgreSQL), one query."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


def insert(
    model: type[Model],
    rows: Sequence[dict],
    *,
    with_ids: bool = True,
    history: dict | None = None,
    queue: CopyQueue | None = None,
) -> list[int]:
    """Insert rows (dicts by attname); returns their primary keys in order when `with_ids` (set in the rows too).

    With `history` ({"user_id", "date", "reason"}) each record also gets its "+" history row.
    """
    if not rows:
        return []
    if history is not None and not with_ids:
        raise ValueError("history rows need the records' primary keys")
    pk = model._meta.pk.attname
    if queue is None and not copy_supported():
        objects = [model(**row) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=500)
        for row, obj in zip(rows, objects, strict=True):
            if with_ids:
                row[pk] = obj.pk
        if history is not None:
            _bulk_history(model, rows, "+", **history)
        return [o.pk for o in objects]
    plan = _plan(model, with_ids)
    ids = _new_ids(model, len(rows), queue) if with_ids else []
    for row, new_id in zip(rows, ids, strict=False):
        row[pk] = new_id
    records, histories = io.StringIO(), io.StringIO()
    write, write_history = records.write, histories.write
    shared_line, rest_line, has_rest = plan.shared.line, plan.rest.line, bool(plan.rest.columns)
    suffix = _history_suffix("+", **history) + "\n" if history is not None else ""
    for row in rows:
        shared = shared_line(row)
        write(f"{shared}\t{rest_line(row)}\n" if has_rest else f"{shared}\n")
        if suffix:
            write_history(shared)
            write_history(suffix)
    send = _copy if queue is None else queue.copy
    send(plan.copy_sql(), records)
    if history is not None:
        send(plan.history_sql(with_ids=False), histories)
    return ids


def _new_ids(model: type[Model], count: int, queue: CopyQueue | None) -> list[int]:
    return allocate_ids(model, count) if queue is None else queue.take_ids(model, count)


def update(model: type[Model], rows: Sequence[dict], fields: Sequence[str], *, queue: CopyQueue | None = None) -> None:
    """Update `fields` of existing rows (full dicts by attname, with the primary key)."""
    if not rows:
        return
    if queue is not None:
        queue.wait_running()  # an ORM query: not while a COPY runs
    objects = [model(**{k: v for k, v in row.items() if k in _attnames(model)}) for row in rows]
    names = [model._meta.get_field(f).name if not f.endswith("_id") else f.removesuffix("_id") for f in fields]
    model._default_manager.bulk_update(objects, names, batch_size=500)


def _attnames(model: type[Model]) -> set[str]:
    return {f.attname for f in model._meta.concrete_fields}


def insert_history(
    model: type[Model],
    states: Sequence[dict],
    *,
    history_type: str,
    user_id: int,
    date: dt.datetime,
    reason: str,
    with_ids: bool = False,
    queue: CopyQueue | None = None,
) -> list[int]:
    """One history row per record state (a dict of the record's attnames), as simple_history writes them."""
    if not states:
        return []
    if queue is None and not copy_supported():
        return _bulk_history(model, states, history_type, user_id=user_id, date=date, reason=reason, with_ids=with_ids)
    plan = _plan(model, True)
    ids = _new_ids(model.history.model, len(states), queue) if with_ids else []
    send = _copy if queue is None else queue.copy
    suffix = _history_suffix(history_type, user_id, date, reason)
    buffer = io.StringIO()
    write, shared_line = buffer.write, plan.shared.line
    if with_ids:
        for state, history_id in zip(states, ids, strict=True):
            write(f"{shared_line(state)}{suffix}\t{history_id}\n")
    else:
        suffix += "\n"
        for state in states:
            write(shared_line(state))
            write(suffix)
    send(plan.history_sql(with_ids=with_ids), buffer)
    return ids


def _bulk_history(
    model: type[Model],
    states: Sequence[dict],
    history_type: str,
    *,
    user_id: int,
    date: dt.datetime,
    reason: str,
    with_ids: bool = False,
) -> list[int]:
    """History rows by bulk_create (databases without COPY)."""
    historical = model.history.model
    tracked = [f.attname for f in historical._meta.concrete_fields if not f.attname.startswith("history_")]
    objects = [
        historical(
            **{name: state.get(name) for name in tracked},
            history_date=date,
            history_type=history_type,
            history_user_id=user_id,
            history_change_reason=reason,
        )
        for state in states
    ]
    historical._default_manager.bulk_create(objects, batch_size=500)
    return [o.pk for o in objects] if with_ids else []
