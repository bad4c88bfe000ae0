"""The README's quick-start command works from a fresh clone in a clean virtual environment."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from readme_command import section_command  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: int) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"quick start exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            time.sleep(1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_readme_sections_hold_exactly_one_command_each():
    assert section_command("Quick start").endswith("gonghui quickstart")
    assert "pytest" in section_command("Tests")


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the quick start is SQLite by definition; the SQLite run of the suite covers it")
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to clone")
def test_quick_start_serves_the_demo_from_a_fresh_clone(tmp_path):
    # given a fresh clone of what is committed, and nothing installed in it
    clone = tmp_path / "gonghui"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "GONGHUI_", "DJANGO_", "VIRTUAL_ENV", "PYTEST"))}
    env["GONGHUI_PORT"] = str(port)
    log = (tmp_path / "quickstart.log").open("w+")
    # when the README's quick-start command runs there
    proc = subprocess.Popen(["bash", "-c", section_command("Quick start")], cwd=clone, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # then the platform answers on the port with the demo data and the logins were printed
        assert _wait_for(f"http://127.0.0.1:{port}/portal/", proc, seconds=600) == 200
        assert _wait_for(f"http://127.0.0.1:{port}/console/login/", proc, seconds=30) == 200
        log.seek(0)
        output = log.read()
        assert "密码" in output, output[-3000:]
        assert (clone / "var" / "gonghui.sqlite3").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
