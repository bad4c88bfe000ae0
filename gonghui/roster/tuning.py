"""Connection settings for the length of one import, put back as they were when it ends.

SQLite: a member row feeds indexes keyed by random values (the two blind indexes, the name's initials, union
and name), so at a million members nearly every insert lands on a page that is not in the 64 MB cache the
settings give every connection. During an import that cache is larger (IMPORT_CACHE_MB) and temporary
b-trees (the look-up's IN lists, sorts) stay in memory. Nothing here changes what is committed or when.
PostgreSQL needs nothing: its cache is the server's.
"""
from contextlib import contextmanager

from django.db import connection

IMPORT_CACHE_MB = 192


@contextmanager
def import_session(*, write: bool):
    if connection.vendor != "sqlite" or not write:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    # temp_store cannot change inside a transaction (an import called within one, as in the tests).
    names = ("cache_size",) if raw.in_transaction else ("cache_size", "temp_store")
    saved = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in names}
    raw.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_MB * 1024}")
    if "temp_store" in saved:
        raw.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        if connection.connection is raw:  # the connection may have been closed and reopened meanwhile
            for name, value in saved.items():
                if name != "temp_store" or not raw.in_transaction:
                    raw.execute(f"PRAGMA {name} = {int(value)}")
            # Give the pages back now rather than when the connection is next closed.
            raw.execute("PRAGMA shrink_memory")
