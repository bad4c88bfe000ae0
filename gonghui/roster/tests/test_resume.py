"""Killed with SIGKILL mid-way, an import run again with the same file and union resumes from its checkpoint
and ends with exactly the file's members, none twice (the CLI in a real subprocess, on a real database)."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_create
from gonghui.roster.tests.files import people_rows, write_csv

ROOT = Path(__file__).resolve().parents[3]
ROWS = 3000
CHUNK = 20


def _database_url(tmp_path: Path) -> str:
    """A URL a subprocess can open for the test database: PostgreSQL's test database as it is; SQLite's
    in-memory test database copied to a file (VACUUM INTO), which then becomes the one both sides use."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    path = tmp_path / "roster.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    return f"sqlite:///{path}"


class Database:
    """Reads the subprocess's committed state: Django's own connection on PostgreSQL, the file on SQLite."""

    def __init__(self, url: str):
        self.file = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None

    def rows(self, sql: str, params=()) -> list[tuple]:
        if self.file:
            with sqlite3.connect(self.file, timeout=30) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def one(self, sql: str, params=()):
        return self.rows(sql, params)[0][0]


def _env(url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, GONGHUI_SQLITE_NO_PERSIST="1")
    for name in ("GONGHUI_SECRET_KEY", "GONGHUI_DATA_KEY", "GONGHUI_INDEX_KEY", "GONGHUI_CARD_SIGNING_KEY"):
        env[name] = getattr(settings, "SECRET_KEY" if name == "GONGHUI_SECRET_KEY" else name)
    return env


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_with_sigkill_resumes_and_ends_with_each_member_once(tmp_path):
    org = org_create(parent=None, name="某某市总工会", kind=OrgKind.FEDERATION, level=OrgLevel.CITY, code="R1",
                     division_code="510100", actor=None)
    path = write_csv(tmp_path / "big.csv", people_rows(ROWS), encoding="gbk", title="会员花名册")
    url = _database_url(tmp_path)
    db = Database(url)
    command = [sys.executable, "manage.py", "roster", "import", str(path), "--org", org.code,
               "--chunk-size", str(CHUNK), "--json"]
    first = subprocess.Popen(command, cwd=ROOT, env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None:
        found = db.rows("SELECT rows_done FROM roster_importjob")
        done = found[0][0] if found else 0
        if done >= 10 * CHUNK:
            break
        time.sleep(0.002)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    killed_at = db.one("SELECT rows_done FROM roster_importjob")
    assert 0 < killed_at < ROWS and killed_at % CHUNK == 0
    assert db.one("SELECT count(*) FROM members_member") == killed_at
    assert db.one("SELECT status FROM roster_importjob") == "running"

    second = subprocess.run(command, cwd=ROOT, env=_env(url), capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    out = json.loads(second.stdout)
    assert out["resumed_from_row"] >= killed_at
    assert (out["accepted"], out["unchanged"], out["refused"]) == (ROWS, 0, [])

    members = db.one("SELECT count(*) FROM members_member WHERE org_id = %s", [org.pk])
    distinct = db.one("SELECT count(DISTINCT id_number_hash) FROM members_member")
    events = db.one("SELECT count(*) FROM members_membershipevent WHERE kind = '1'")
    counter = db.one("SELECT member_count FROM orgs_org WHERE id = %s", [org.pk])
    assert members == distinct == events == counter == ROWS
    assert db.rows("SELECT status, accepted, rows_done FROM roster_importjob") == [("done", ROWS, ROWS)]
    assert db.one("SELECT count(*) FROM core_auditevent WHERE action = 'roster.import'") == 1

