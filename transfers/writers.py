"""Many rows at once, with their history rows: PostgreSQL COPY, elsewhere bulk_create / bulk_update.

Rows are dicts of column attnames. Each written record gets a history row (django-simple-history's
table) naming the importing user, like `registry.services.record_save` does one save at a time.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def _is_postgres() -> bool:
    return connection.vendor == "postgresql" and hasattr(_raw_cursor_class(), "copy_expert")


def _raw_cursor_class():
    connection.ensure_connection()
    return type(connection.connection.cursor())


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys from the table's sequence (PostgreSQL), one query."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


def insert(model: type[Model], rows: Sequence[dict], *, with_ids: bool = True) -> list[int]:
    """Insert rows (dicts by attname); returns their primary keys in order when `with_ids`."""
    if not rows:
        return []
    pk = model._meta.pk.attname
    if _is_postgres():
        ids = allocate_ids(model, len(rows)) if with_ids else []
        columns = [f.attname for f in model._meta.concrete_fields if f.attname != pk or with_ids]
        buffer = io.StringIO()
        write = buffer.write
        for index, row in enumerate(rows):
            if with_ids:
                row[pk] = ids[index]
            write("\t".join(_copy_value(row.get(c)) for c in columns))
            write("\n")
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(_column(model, c)) for c in columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN", buffer
            )
        return ids
    objects = [model(**row) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=500)
    return [o.pk for o in objects]


def _column(model: type[Model], attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.column
    raise LookupError(attname)


def update(model: type[Model], rows: Sequence[dict], fields: Sequence[str]) -> None:
    """Update `fields` of existing rows (full dicts by attname, with the primary key)."""
    if not rows:
        return
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
) -> list[int]:
    """One history row per record state (a dict of the record's attnames), as simple_history writes them."""
    historical = model.history.model
    tracked = [f.attname for f in historical._meta.concrete_fields if not f.attname.startswith("history_")]
    rows = []
    for state in states:
        row = {name: state.get(name) for name in tracked}
        row.update(history_date=date, history_type=history_type, history_user_id=user_id, history_change_reason=reason)
        rows.append(row)
    return insert(historical, rows, with_ids=with_ids)
