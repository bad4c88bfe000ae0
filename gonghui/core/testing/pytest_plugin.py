"""pytest hooks of the whole suite (registered by the root conftest.py).

Transactional tests (`django_db(transaction=True)`, `transactional_db`, `live_server`) end with Django's
`flush`, which empties every table: TRUNCATE on PostgreSQL, DELETE on SQLite. The audit table refuses
both (migration core 0002, the append-only rule), so around that flush, and only there, the guard
triggers are switched off and switched on again. Tests still meet the triggers exactly as production does.
"""
import importlib

import pytest

_MIGRATION = "gonghui.core.migrations.0002_audit_append_only"
_PG_TRIGGERS = ("core_auditevent_no_update", "core_auditevent_no_truncate")


def _is_transactional(item) -> bool:
    names = getattr(item, "fixturenames", ())
    if any(n in names for n in ("transactional_db", "live_server", "django_db_reset_sequences")):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    from pytest_django.fixtures import validate_django_db

    transactional, reset_sequences, *_rest = validate_django_db(marker)
    return bool(transactional or reset_sequences)


def audit_guard(*, enabled: bool) -> None:
    """Switch the append-only triggers of the audit table off or on (test support only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ENABLE" if enabled else "DISABLE"
            for trigger in _PG_TRIGGERS:
                cursor.execute(f"ALTER TABLE core_auditevent {verb} TRIGGER {trigger}")
        elif connection.vendor == "sqlite":
            migration = importlib.import_module(_MIGRATION)
            for statement in migration.SQLITE_BACKWARD:
                cursor.execute(statement)
            if enabled:
                for statement in migration.SQLITE_FORWARD:
                    cursor.execute(statement)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    if not _is_transactional(item):
        return (yield)
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    with blocker.unblock():
        audit_guard(enabled=False)
    try:
        return (yield)
    finally:
        # After the last test the session's teardown has already dropped the test database.
        if nextitem is not None:
            with blocker.unblock():
                audit_guard(enabled=True)
