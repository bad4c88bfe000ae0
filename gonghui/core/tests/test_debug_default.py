"""DEBUG is off unless asked for, on a development or demo machine too (config/settings.py)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _debug_with(extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k != "GONGHUI_DEBUG"}
    env.update(extra)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE":
                          "config.settings"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_demo_machine_runs_without_debug_pages_unless_asked():
    assert _debug_with({}) == "False"
    assert _debug_with({"GONGHUI_DEBUG": "1"}) == "True"
