"""Backup and restore: the personas' world backed up, restored into an EMPTY database (a new SQLite file, a new
PostgreSQL database), and every table's row count and checksum compared on both sides."""
import io
import json
import sqlite3
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gonghui.core import backup as bk
from gonghui.core.testing.personas import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def _live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in names:
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            counts[name] = cursor.fetchone()[0]
    return counts


def _backup(tmp_path) -> tuple[dict, object]:
    build_world()
    out = tmp_path / "backup"
    call_command("backup", str(out), stdout=io.StringIO())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the manifest describes the database as it is: same tables, same counts
    assert {name: t["rows"] for name, t in manifest["tables"].items()} == _live_counts()
    assert manifest["tables"]["members_member"]["rows"] >= 3
    assert manifest["tables"]["core_auditevent"]["rows"] > 0
    return manifest, out


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite")
def test_sqlite_backup_restores_into_a_new_file_with_equal_counts_and_checksums(tmp_path):
    manifest, out = _backup(tmp_path)
    target = tmp_path / "restored.sqlite3"

    text = io.StringIO()
    call_command("restore", str(out), "--database-url", f"sqlite:///{target}", stdout=text)

    assert "已恢复并核对" in text.getvalue()
    assert bk.sqlite_manifest(target) == manifest["tables"]
    # a second restore over the now non-empty file is refused
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(out), "--database-url", f"sqlite:///{target}")
    # the checksums see a changed value, not only a changed count
    db = sqlite3.connect(target)
    db.execute("DROP TRIGGER core_auditevent_no_update")
    db.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = (SELECT min(id) FROM core_auditevent)")
    db.commit()
    db.close()
    assert bk.differences(manifest["tables"], bk.sqlite_manifest(target)) == [
        "表 core_auditevent：校验和不一致（内容与备份时不同）"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite")
def test_a_damaged_backup_file_is_refused_before_anything_is_written(tmp_path):
    _manifest, out = _backup(tmp_path)
    image = out / "database.sqlite3"
    data = bytearray(image.read_bytes())
    data[-100] ^= 0xFF
    image.write_bytes(bytes(data))
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(CommandError, match="SHA-256 与清单不符"):
        call_command("restore", str(out), "--database-url", f"sqlite:///{target}")
    assert not target.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
def test_postgresql_backup_restores_into_a_new_database_with_equal_counts_and_checksums(tmp_path):
    manifest, out = _backup(tmp_path)
    settings = connection.settings_dict
    name = f"gonghui_restore_{uuid.uuid4().hex[:8]}"
    admin = bk.Target(settings).pg_conninfo() | {"dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
    try:
        text = io.StringIO()
        call_command("restore", str(out), "--database-url", url, stdout=text)

        assert "已恢复并核对" in text.getvalue()
        target = bk.Target({**settings, "NAME": name})
        with psycopg.connect(**target.pg_conninfo(), autocommit=True) as db:
            with db.transaction(), db.cursor() as cursor:
                assert bk.pg_manifest(cursor) == manifest["tables"]
            with pytest.raises(CommandError, match="目标数据库不是空的"):
                call_command("restore", str(out), "--database-url", url)
            # the checksums see a changed value, not only a changed count
            db.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            db.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = (SELECT min(id) FROM core_auditevent)")
            with db.transaction(), db.cursor() as cursor:
                assert bk.differences(manifest["tables"], bk.pg_manifest(cursor)) == [
                    "表 core_auditevent：校验和不一致（内容与备份时不同）"]
    finally:
        with psycopg.connect(**admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
