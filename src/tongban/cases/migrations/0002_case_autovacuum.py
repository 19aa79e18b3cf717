"""PostgreSQL: vacuum the case table after 2% of its rows changed instead of the default 20%.

Queue and board counts are index-only scans while the table's pages are marked all-visible; a day's
transitions clear those marks and every count then visits the table too (bench/cases_volume.py: a queue page
went from ~30 ms to ~55 ms at 1M cases after 145,000 updates). With the default scale factor autovacuum would
wait for 200,000 changed rows at 1M cases; at 2% it restores the marks after 20,000.
"""

from django.db import migrations

TABLES = ("cases_case",)


def _alter(schema_editor, options: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} {options}")


def tune(apps, schema_editor):
    _alter(schema_editor, "SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)")


def untune(apps, schema_editor):
    _alter(schema_editor, "RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_core")]

    operations = [migrations.RunPython(tune, untune, elidable=False)]
