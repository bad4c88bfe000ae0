"""Backup and restore of the whole database, with a manifest that proves a restore is complete.

A backup is a directory: the database image (`database.sqlite3`, or `database.pgdump` in pg_dump's custom format)
and `manifest.json` (per-table row counts and checksums, the image's SHA-256). The manifest describes exactly the
data in the image, even while the server writes:
- SQLite: the online backup API copies a consistent snapshot; the manifest is computed from the copy.
- PostgreSQL: one REPEATABLE READ transaction exports its snapshot, pg_dump dumps that very snapshot
  (`--snapshot`), and the manifest is computed inside the same transaction.
A table's checksum is order-independent: the sum modulo 2^64 of a hash of each row's text, computed the same way
on the live database and on the restored one (PostgreSQL in SQL over `row::text` with UTC and ISO dates; SQLite
over the raw values of Python's sqlite3). Restore loads into an empty database only (unless forced), then
recomputes the manifest on the target and refuses to call a restore good when a count or checksum differs.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
IMAGES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FORMAT = 1
_MASK64 = (1 << 64) - 1


class BackupError(Exception):
    """A backup or restore did not complete; the message says why, in Chinese."""


@dataclass(frozen=True)
class Target:
    """A database named by its settings dict (Django's DATABASES entry, or dj_database_url.parse of a URL)."""

    settings: dict

    @property
    def vendor(self) -> str:
        engine = self.settings["ENGINE"]
        if engine.endswith("sqlite3"):
            return "sqlite"
        if "postgresql" in engine:
            return "postgresql"
        raise BackupError(f"不支持的数据库类型：{engine}")

    def pg_conninfo(self) -> dict:
        s = self.settings
        return {k: v for k, v in {"dbname": s.get("NAME"), "user": s.get("USER"), "password": s.get("PASSWORD"),
                                  "host": s.get("HOST"), "port": str(s.get("PORT") or "")}.items() if v}

    def pg_args(self) -> tuple[list[str], dict]:
        info = self.pg_conninfo()
        args = [f"--dbname={info['dbname']}"]
        for key, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
            if key in info:
                args.append(f"{flag}={info[key]}")
        env = {**os.environ, **({"PGPASSWORD": info["password"]} if "password" in info else {})}
        return args, env


# --- manifests --------------------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_manifest(path: Path) -> dict:
    """Row counts and checksums of every table of a SQLite file, from the raw values (no Django converters)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = {}
        for name in names:
            count, total = 0, 0
            for row in db.execute(f"SELECT * FROM {_quote(name)}"):
                digest = hashlib.sha256(repr(row).encode()).digest()
                total = (total + int.from_bytes(digest[:8], "big")) & _MASK64
                count += 1
            tables[name] = {"rows": count, "checksum": f"{total:016x}"}
        return tables
    finally:
        db.close()


def _pg_session(cursor) -> None:
    # A row's text depends on these; both sides of a backup must agree.
    cursor.execute("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; SET bytea_output = 'hex'; "
                   "SET extra_float_digits = 1; SET intervalstyle = 'iso_8601'")


def pg_manifest(cursor) -> dict:
    """Row counts and checksums of every table in the public schema, computed inside the caller's transaction."""
    _pg_session(cursor)
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = {}
    for (name,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0) "
            f"FROM {_quote(name)} AS t")
        count, total = cursor.fetchone()
        tables[name] = {"rows": count, "checksum": f"{int(total) & _MASK64:016x}"}
    return tables


def _file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _write_manifest(out: Path, vendor: str, tables: dict) -> dict:
    image = out / IMAGES[vendor]
    manifest = {"format": FORMAT, "vendor": vendor, "created_at": timezone.now().isoformat(),
                "image": image.name, "image_sha256": _file_sha256(image), "tables": tables}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"备份目录中没有清单文件 {MANIFEST}：{directory}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("备份清单的格式版本不受支持")
    return manifest


def differences(expected: dict, actual: dict) -> list[str]:
    """The tables whose count or checksum differ, as Chinese lines."""
    out = []
    for name in sorted(set(expected) | set(actual)):
        want, got = expected.get(name), actual.get(name)
        if want is None:
            out.append(f"表 {name}：备份中没有，恢复后却存在")
        elif got is None:
            out.append(f"表 {name}：恢复后缺失")
        elif want["rows"] != got["rows"]:
            out.append(f"表 {name}：行数 {got['rows']}，备份时为 {want['rows']}")
        elif want["checksum"] != got["checksum"]:
            out.append(f"表 {name}：校验和不一致（内容与备份时不同）")
    return out


# --- backup -----------------------------------------------------------------------------------------------------


def backup(out: Path) -> dict:
    """Back up the configured database into the new directory `out`; returns the manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录已存在且不为空：{out}")
    out.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "sqlite":
        return _backup_sqlite(out)
    if vendor == "postgresql":
        return _backup_pg(out, Target(connection.settings_dict))
    raise BackupError(f"不支持的数据库类型：{vendor}")


def _backup_sqlite(out: Path) -> dict:
    image = out / IMAGES["sqlite"]
    connection.ensure_connection()
    destination = sqlite3.connect(image)
    try:
        # One step (pages=-1): the copy is one consistent snapshot even while the server keeps writing.
        connection.connection.backup(destination)
        # A single self-contained file: no -wal beside it.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    return _write_manifest(out, "sqlite", sqlite_manifest(image))


def _backup_pg(out: Path, source: Target) -> dict:
    image = out / IMAGES["postgresql"]
    args, env = source.pg_args()
    with psycopg.connect(**source.pg_conninfo(), autocommit=True) as db:
        with db.transaction(), db.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            # pg_dump reads the very snapshot the manifest is computed in, so counts match the dump exactly.
            result = subprocess.run([_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
                                     "--no-owner", "--no-privileges", f"--file={image}", *args],
                                    env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
            tables = pg_manifest(cursor)
    return _write_manifest(out, "postgresql", tables)


def _binary(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装与服务器版本一致的 PostgreSQL 客户端")
    return found


# --- restore ----------------------------------------------------------------------------------------------------


def restore(source: Path, target: Target, *, force: bool = False) -> dict:
    """Load the backup in `source` into `target` (empty unless `force`), then check it against the manifest."""
    manifest = read_manifest(source)
    if manifest["vendor"] != target.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，不能恢复到 {target.vendor}")
    image = source / manifest["image"]
    if _file_sha256(image) != manifest["image_sha256"]:
        raise BackupError(f"备份文件 {image.name} 的 SHA-256 与清单不符：文件已损坏或被改动")
    if target.vendor == "sqlite":
        actual = _restore_sqlite(image, Path(target.settings["NAME"]), force=force)
    else:
        actual = _restore_pg(image, target, force=force)
    problems = differences(manifest["tables"], actual)
    if problems:
        raise BackupError("恢复后的数据与备份清单不符：\n" + "\n".join(problems))
    return manifest


def _restore_sqlite(image: Path, path: Path, *, force: bool) -> dict:
    if path.exists() and path.stat().st_size and not force:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            db.close()
        if tables:
            raise BackupError(f"目标数据库不是空的（{tables} 张表）：{path}；确需覆盖请加 --force，并先停止服务")
    source = sqlite3.connect(f"file:{image}?mode=ro", uri=True)
    destination = sqlite3.connect(path)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()
    return sqlite_manifest(path)


def _restore_pg(image: Path, target: Target, *, force: bool) -> dict:
    with psycopg.connect(**target.pg_conninfo(), autocommit=True) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        (tables,) = cursor.fetchone()
    if tables and not force:
        raise BackupError(f"目标数据库不是空的（{tables} 张表）：{target.settings['NAME']}；"
                          "确需覆盖请加 --force，并先停止服务")
    args, env = target.pg_args()
    options = ["--clean", "--if-exists"] if tables else []
    result = subprocess.run([_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                             "--single-transaction", *options, *args, str(image)],
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
    with psycopg.connect(**target.pg_conninfo(), autocommit=True) as db:
        with db.transaction(), db.cursor() as cursor:
            return pg_manifest(cursor)
