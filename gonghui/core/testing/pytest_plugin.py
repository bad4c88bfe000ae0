"""pytest hooks of the whole suite (registered by the root conftest.py).

Transactional tests (`django_db(transaction=True)`, `transactional_db`, `live_server`) end with Django's
`flush`, which empties every table: TRUNCATE on PostgreSQL, DELETE on SQLite. The audit tables refuse
both (migrations core 0002 and 0004, the append-only rule), so around that flush, and only there, the guard
triggers are switched off and switched on again. Tests still meet the triggers exactly as production does.
"""
import pytest


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


def audit_guard(*, enabled: bool, triggers: set[str] | None = None) -> set[str]:
    """Switch the append-only guards of the audit tables (events, seals, purges) off, or back on (test support).

    Switching off returns the tables it switched off; pass them back to switch the same ones on.
    """
    from gonghui.core import audit_triggers

    if enabled:
        return audit_triggers.switch(enabled=True, tables=triggers or ())
    return audit_triggers.switch(enabled=False)


def _database_was_set_up(item) -> bool:
    request = getattr(item, "_request", None)
    defs = getattr(request, "_fixture_defs", {}) if request is not None else {}
    return "_django_db_helper" in defs or "transactional_db" in defs or "live_server" in defs


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # A test skipped before its fixtures ran has no test database behind it, and nothing to flush: the
    # connection would still name the real database.
    if not _is_transactional(item) or not _database_was_set_up(item):
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
