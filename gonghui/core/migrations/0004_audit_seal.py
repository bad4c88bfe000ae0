"""The hash chain over audit events (core.audit_seal) and the record of purges; both append-only like the events.

The triggers follow migration 0002: PostgreSQL refuses UPDATE, DELETE and TRUNCATE, SQLite UPDATE and DELETE.
`gonghui audit purge` and the test suite's flush switch them off inside their own transaction
(core.audit_triggers).
"""
from django.db import migrations, models

TABLES = ("core_auditseal", "core_auditpurge")


def _pg_forward(table: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = '{table} is append-only (' || TG_OP || ' refused)',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only();
"""


def _pg_backward(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
DROP TRIGGER IF EXISTS {table}_no_update ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""


def sqlite_forward(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (DELETE refused)'); END;",
    ]


def sqlite_backward(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(_pg_forward(table))
        elif vendor == "sqlite":
            for statement in sqlite_forward(table):
                schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(_pg_backward(table))
        elif vendor == "sqlite":
            for statement in sqlite_backward(table):
                schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_idempotencyrecord'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditPurge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('before', models.DateTimeField(verbose_name='清理截止时间')),
                ('up_to_sequence', models.BigIntegerField(verbose_name='清理至封存序号')),
                ('events', models.PositiveIntegerField(verbose_name='事件数')),
                ('archive', models.CharField(max_length=500, verbose_name='归档文件')),
                ('archive_sha256', models.CharField(max_length=64, verbose_name='归档文件SHA-256')),
            ],
            options={
                'verbose_name': '审计清理记录',
                'verbose_name_plural': '审计清理记录',
            },
        ),
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('sequence', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='序号')),
                ('event_id', models.BigIntegerField(unique=True, verbose_name='审计事件编号')),
                ('digest', models.CharField(max_length=64, verbose_name='事件摘要')),
                ('hash', models.CharField(max_length=64, verbose_name='链哈希')),
                ('sealed_at', models.DateTimeField(verbose_name='封存时间')),
            ],
            options={
                'verbose_name': '审计封存',
                'verbose_name_plural': '审计封存',
            },
        ),
        migrations.RunPython(forward, backward),
    ]
