"""Switching the append-only guards of the audit tables off and on again.

Only two callers may: `gonghui audit purge`, inside its own transaction (the guards come back on before it
commits, and a failure rolls the switch back with the deletes), and the test suite, around Django's flush and to
play an attacker who edits a row in SQL. The statements are the migrations' own (core 0002 and 0004).
"""
import importlib
from contextlib import contextmanager

from django.db import DatabaseError, connection

_EVENTS = importlib.import_module("gonghui.core.migrations.0002_audit_append_only")
_SEALS = importlib.import_module("gonghui.core.migrations.0004_audit_seal")
EVENTS = "core_auditevent"
TABLES = (EVENTS, *_SEALS.TABLES)


def _sqlite_statements(table: str, *, enabled: bool) -> list[str]:
    if table == EVENTS:
        return _EVENTS.SQLITE_FORWARD if enabled else _EVENTS.SQLITE_BACKWARD
    return _SEALS.sqlite_forward(table) if enabled else _SEALS.sqlite_backward(table)


def _guarded(cursor, vendor: str, tables) -> set[str]:
    """The tables among `tables` that carry their guard now (none do under --nomigrations)."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relname = ANY(%s)", [list(tables)])
    elif vendor == "sqlite":
        cursor.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'")
    else:
        return set()
    return {row[0] for row in cursor.fetchall()} & set(tables)


def switch(*, enabled: bool, tables=TABLES) -> set[str]:
    """Switch the guards of `tables` off (returns the tables that had one) or on (pass that set back)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if not enabled:
            tables = _guarded(cursor, vendor, tables)
        for table in sorted(tables):
            if vendor == "postgresql":
                # USER: the table's own triggers, not the internal ones that enforce foreign keys.
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
            elif vendor == "sqlite":
                for statement in _sqlite_statements(table, enabled=enabled):
                    cursor.execute(statement)
    return set(tables)


@contextmanager
def suspended(*tables: str):
    """The guards of `tables` are off inside the block; the caller's transaction makes that invisible to others
    (PostgreSQL's ALTER TABLE holds its lock until commit; SQLite's DDL is transactional)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit guards may only be suspended inside a transaction")
    if connection.vendor == "postgresql":
        # PostgreSQL refuses ALTER TABLE while the transaction's deferred foreign-key checks are pending (the
        # purge's own audit event, a test's rows): run them now, as Django's check_constraints does.
        connection.check_constraints()
    switched = switch(enabled=False, tables=tables or TABLES)
    try:
        yield
    finally:
        try:
            switch(enabled=True, tables=switched)
        except DatabaseError:
            # The transaction already failed; its rollback restores the guards with everything else.
            pass
