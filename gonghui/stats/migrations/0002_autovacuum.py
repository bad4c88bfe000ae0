"""PostgreSQL: vacuum the tally tables after a thousand dead rows rather than a fifth of the table.

Every fold deletes the unfolded rows it merged; until a vacuum removes them, their entries stay in the partial
index of unfolded rows and every read walks over them (60 ms instead of 2 ms for a province's 21 cities,
docs/benchmarks.md). The default threshold (20 % of the table) would let millions pile up at province scale.
"""
from django.db import migrations

TABLES = ("stats_tally", "stats_age_tally", "stats_total", "stats_age_total")


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0, "
                              f"autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.02)")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (autovacuum_vacuum_scale_factor, "
                              f"autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(tune, untune)]
