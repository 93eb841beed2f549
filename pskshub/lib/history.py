"""What the history tables (django-simple-history) index.

A history table copies its model's indexes: every foreign key and indexed column, and on PostgreSQL a
`_like` twin for each text one (17-18 indexes on a person's or membership's history). History is read by
record (`id`, with `history_date`), and the lists of deleted records by regency; nothing searches it by
kecamatan, village, NIK, status or verifier. Each of those indexes cost every save, and an import of
100,000 persons writes 200,000 history rows.
"""

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
