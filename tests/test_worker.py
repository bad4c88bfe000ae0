"""`gonghui quickstart` runs a real background worker (and beat) on the file broker, and they stop with it.

A fresh data directory (SQLite, queue folder, uploads) with one union and its chair; quickstart serves it with
its worker; a roster upload is queued as the console queues it; the worker imports it; SIGTERM to quickstart
stops the worker and beat too. Processes here are real (no eager mode, no in-memory broker).
"""
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

SETUP = """
from datetime import date
from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.core import uscc
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_create
org = org_create(parent=None, name="测试县总工会", kind=OrgKind.FEDERATION, level=OrgLevel.COUNTY, code="T1",
                 division_code="510104", actor=None)
chair = cadre_create(username="chair", password="Gonghui-test-2026", display_name="主席", actor=None)
role_grant(user=chair, org=org, kind=RoleKind.CHAIR, actor=None)
"""
UPLOAD = """
import csv, io
from django.core.files.uploadedfile import SimpleUploadedFile
from gonghui.accounts.models import User
from gonghui.orgs.models import Org
from gonghui.roster.jobs import import_job_create
from gonghui.roster.tests.files import HEADER, people_rows
rows = people_rows(2500)  # past roster.pipeline.PARALLEL_MIN_ROWS: the import forks its row preparer in the worker
rows[7][1] = ""
buf = io.StringIO()
csv.writer(buf).writerows([HEADER, *rows])
job = import_job_create(org=Org.objects.get(code="T1"), actor=User.objects.get(username="chair"), dry_run=False,
                        upload=SimpleUploadedFile("花名册.csv", buf.getvalue().encode("gbk")))
print(job.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env, *args, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, input=stdin, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _session_processes(session: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != session:
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ProcessLookupError):
            continue
    return found


def _job(db: Path, job_id: int):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT status, accepted, refused, rows_done FROM roster_importjob WHERE id = ?",
                            (job_id,)).fetchone()


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the quick start is SQLite by definition; the SQLite run of the suite covers it")
@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process table from /proc")
def test_quickstart_s_worker_imports_a_queued_roster_and_stops_with_quickstart(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "GONGHUI_", "DJANGO_", "PYTEST"))}
    env.update(GONGHUI_DATA_DIR=str(tmp_path), GONGHUI_PORT=str(_free_port()))
    _manage(env, "migrate", "-v", "0")
    _manage(env, "shell", stdin=SETUP)
    log = (tmp_path / "quickstart.log").open("w+")
    proc = subprocess.Popen([sys.executable, "manage.py", "quickstart"], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not all(any(f"config {kind}" in cmd for cmd in _session_processes(proc.pid).values())
                      for kind in ("worker", "beat")):
            assert proc.poll() is None and time.monotonic() < deadline, "no worker or no beat started"
            time.sleep(0.5)

        job_id = int(_manage(env, "shell", stdin=UPLOAD).strip().splitlines()[-1])
        db = tmp_path / "gonghui.sqlite3"
        deadline = time.monotonic() + 90
        while _job(db, job_id)[0] not in ("done", "failed"):
            assert time.monotonic() < deadline, f"the worker did not finish the job: {_job(db, job_id)}"
            time.sleep(0.5)
        assert _job(db, job_id) == ("done", 2499, 1, 2500)

        proc.send_signal(signal.SIGTERM)  # quickstart alone, not its process group
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _session_processes(proc.pid):
            assert time.monotonic() < deadline, f"left running: {_session_processes(proc.pid)}"
            time.sleep(0.5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in _session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)
        log.seek(0)
        print(log.read()[-3000:])
