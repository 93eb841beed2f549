"""PostgreSQL only: trigram (pg_trgm) GIN index on the normalised name, for name-fragment search over a million
beneficiaries (`name_key LIKE '%…%'`). SQLite has no such index and needs none at its sizes."""

from django.db import migrations

INDEX = "cases_benef_name_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_beneficiary USING gin (name_key gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_reference_data")]

    operations = [migrations.RunPython(create, drop)]
