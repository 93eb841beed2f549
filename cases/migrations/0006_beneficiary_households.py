"""Households stored on the beneficiary (`Beneficiary.represented_by`), filled for the beneficiaries already there.

The backfill is the rule of `cases.services.refresh_households` over the whole table in one set-based UPDATE
(a window over the No. KK, written in SQL that SQLite ≥ 3.33 and PostgreSQL both run): only the members who
are not their household's representative are written (on 1,000,000 beneficiaries about 235,000 rows), before
the new indexes exist. `cases/tests/test_households.py` checks that it gives what `refresh_households` gives.
"""

from django.db import migrations, models

BACKFILL = """
UPDATE cases_beneficiary SET represented_by = households.first
FROM (
    SELECT id, MIN(id) OVER (PARTITION BY kk_number) AS first FROM cases_beneficiary WHERE kk_number <> ''
) AS households
WHERE cases_beneficiary.id = households.id AND households.first <> households.id
"""


def backfill(apps, schema_editor) -> None:
    schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_entry_details"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="beneficiary",
            name="represented_by",
            field=models.BigIntegerField(
                blank=True,
                editable=False,
                help_text="ID penerima manfaat yang mewakili rumah tangganya (No. KK yang sama); kosong bila ia sendiri.",
                null=True,
                verbose_name="rumah tangga diwakili oleh",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="beneficiary",
            index=models.Index(
                condition=models.Q(("represented_by__isnull", True)),
                fields=["regency", "district", "decile"],
                name="cases_benef_households_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="beneficiary",
            index=models.Index(
                condition=models.Q(("represented_by__isnull", False)),
                fields=["represented_by"],
                name="cases_benef_represented_idx",
            ),
        ),
    ]
