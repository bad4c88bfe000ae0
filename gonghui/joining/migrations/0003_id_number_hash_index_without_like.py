"""The applications' ID hash index, declared in Meta so PostgreSQL gets no unused `_like` index.

Not a plain AlterField: Django's AlterField, dropping `db_index`, drops every index on the column, and that
would take the partial unique index `join_one_pending_per_person` with it (one pending application per person).
So the database step drops only the field's own non-unique indexes, found by introspection.
"""
from django.db import migrations, models


def _drop_field_indexes(apps, schema_editor):
    model = apps.get_model("joining", "JoinApplication")
    table = model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    for name, info in constraints.items():
        if info["columns"] == ["id_number_hash"] and info["index"] and not info["unique"] \
                and name != "join_id_number_hash_idx":
            schema_editor.execute(schema_editor.sql_delete_index % {
                "table": schema_editor.quote_name(table), "name": schema_editor.quote_name(name)})


class Migration(migrations.Migration):

    dependencies = [
        ('joining', '0002_transfer_decision_constraints'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='joinapplication',
                name='id_number_hash',
                field=models.CharField(editable=False, max_length=64),
            )],
            database_operations=[migrations.RunPython(_drop_field_indexes, migrations.RunPython.noop)],
        ),
        migrations.AddIndex(
            model_name='joinapplication',
            index=models.Index(fields=['id_number_hash'], name='join_id_number_hash_idx'),
        ),
    ]
