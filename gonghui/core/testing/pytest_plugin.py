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


def _existing_triggers(cursor, vendor: str) -> set[str]:
    # None exist under --nomigrations; then there is nothing to switch.
    if vendor == "postgresql":
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('core_auditevent')")
    elif vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'")
    else:
        return set()
    return {row[0] for row in cursor.fetchall()}


def audit_guard(*, enabled: bool, triggers: set[str] | None = None) -> set[str]:
    """Switch the append-only triggers of the audit table off, or back on (test support only).

    Switching off returns the triggers it switched off; pass them back to switch the same ones on.
    """
    from django.db import connection

    vendor = connection.vendor
    with connection.cursor() as cursor:
        if not enabled:
            triggers = _existing_triggers(cursor, vendor)
        triggers = set(triggers or ())
        if vendor == "postgresql":
            verb = "ENABLE" if enabled else "DISABLE"
            for trigger in sorted(triggers & set(_PG_TRIGGERS)):
                cursor.execute(f"ALTER TABLE core_auditevent {verb} TRIGGER {trigger}")
        elif vendor == "sqlite" and triggers:
            migration = importlib.import_module(_MIGRATION)
            statements = migration.SQLITE_FORWARD if enabled else migration.SQLITE_BACKWARD
            for statement in statements:
                if any(name in statement for name in triggers):
                    cursor.execute(statement)
    return triggers


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    if not _is_transactional(item):
        return (yield)
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    with blocker.unblock():
        switched_off = audit_guard(enabled=False)
    try:
        return (yield)
    finally:
        # After the last test the session's teardown has already dropped the test database.
        if nextitem is not None:
            with blocker.unblock():
                audit_guard(enabled=True, triggers=switched_off)
