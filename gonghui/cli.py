"""The `gonghui` command: a thin wrapper over manage.py, so `gonghui migrate`, `gonghui demo` … work."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gonghui", *sys.argv[1:]])
