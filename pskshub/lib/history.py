"""What the history tables (django-simple-history) index.

A history table copies its model's indexes: every foreign key and indexed column, and on PostgreSQL a
`_like` twin for each text one (17-18 indexes on a person's or membership's history). History is read by
record (`id`, with `history_date`), and the lists of deleted records by regency; nothing searches it by
kecamatan, village, NIK, status or verifier. Each of those indexes cost every save, and an import of
100,000 persons writes 200,000 history rows.

`TrackedHistory` applies this to a model's history, and two more savings for the same reason:

- the regency, which the deleted-record lists filter on, is indexed plainly (simple_history indexes every
  key, and on PostgreSQL a key to the regions' text codes gets an unused `varchar_pattern_ops` twin);
- the history user is not a foreign key in the database (`user_db_constraint=False`): a history row is
  written once and never updated, and the key cost a lookup per row at COMMIT (about 0.5 s per 100,000
  rows). Deleting a user through Django still empties it, as before (`on_delete=SET_NULL`).
"""

from django.db import models
from simple_history.models import HistoricalRecords

# Indexed columns of the tracked models that their history tables do not index (`no_db_index`).
UNSEARCHED_HISTORY_COLUMNS = [
    "account",
    "accreditation",
    "assignee",
    "beneficiary",
    "case",
    "category",
    "chair",
    "created_by",
    "district",
    "institution",
    "nik",
    "person",
    "programme",
    "psks_type",
    "reported_by",
    "status",
    "verification",
    "verified_by",
    "village",
]

# Indexed plainly in history (no `_like` twin): the lists of deleted records are filtered by regency.
PLAINLY_INDEXED_HISTORY_COLUMNS = ("regency",)


class TrackedHistory(HistoricalRecords):
    """`HistoricalRecords` with the project's history indexes and keys (see the module's docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("no_db_index", [*UNSEARCHED_HISTORY_COLUMNS, *PLAINLY_INDEXED_HISTORY_COLUMNS])
        kwargs.setdefault("user_db_constraint", False)
        super().__init__(*args, **kwargs)

    def get_meta_options(self, model) -> dict:
        meta = super().get_meta_options(model)
        names = {field.name for field in model._meta.fields}
        plain = [models.Index(fields=[name]) for name in PLAINLY_INDEXED_HISTORY_COLUMNS if name in names]
        meta["indexes"] = [*meta.get("indexes", ()), *plain]
        return meta
