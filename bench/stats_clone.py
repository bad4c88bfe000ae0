"""Members beyond what the demo generator makes, copied set-wise in SQL (PostgreSQL only), for bench/stats.py.

The copies feed no index while they are made: the member and event tables' secondary indexes and constraints are
saved and dropped first and rebuilt from their definitions after (one pass each instead of millions of random
inserts); the definitions wait in a table of the bench database, so an interrupted build gets them back.
"""
import sys
import time

CLONED_TABLES = ("members_member", "members_membershipevent")
SAVED = "bench_dropped_index"  # the definitions dropped before the copies, until recreated (survives a crash)
COPIES_PER_BATCH = 5  # copies of the generated members per INSERT … SELECT (2,500,000 rows at --generate 500000)


def bench_session() -> None:
    """Bulk-load settings for this bench's own connection (PostgreSQL): commits need not wait for the WAL
    flush (a crash loses the last batches, never consistency), sorts and index builds get memory."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET work_mem = '256MB'")


def drop_secondary(cursor) -> None:
    """Save and drop every index and constraint of the copied tables but the primary key and CHECKs: each
    copied row would otherwise feed ~13 indexes (random md5 hashes among them) and queue deferred FK checks.
    The copies need none of them: their hashes are unique by construction (a distinct salt per copy), their
    foreign keys are their originals'. `restore_secondary` rebuilds them, and the rebuilt UNIQUE and FOREIGN
    KEY constraints check the copies once, set-wise."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {SAVED} (id serial PRIMARY KEY, tbl text NOT NULL, "
                   "name text NOT NULL, kind text NOT NULL, definition text NOT NULL)")
    for table in CLONED_TABLES:
        cursor.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'x')", [table])
        constraints = cursor.fetchall()
        cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                       "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass "
                       "AND c.contype IN ('p', 'u', 'x'))", [table])
        indexes = cursor.fetchall()
        for name, kind, definition in constraints:
            cursor.execute(f"INSERT INTO {SAVED} (tbl, name, kind, definition) VALUES (%s, %s, %s, %s)",
                           [table, name, kind, definition])
        for name, definition in indexes:
            cursor.execute(f"INSERT INTO {SAVED} (tbl, name, kind, definition) VALUES (%s, %s, 'i', %s)",
                           [table, name, definition])
        for name, kind, _d in sorted(constraints, key=lambda c: c[1] != "f"):  # foreign keys first
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _d in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        print(f"  dropped on {table}: {len(constraints)} constraints, {len(indexes)} indexes", file=sys.stderr,
              flush=True)


def restore_secondary() -> dict:
    """Recreate what `drop_secondary` saved, exactly from the saved definitions: UNIQUE constraints and
    indexes first, then the foreign keys (validated set-wise against the rebuilt tables). One transaction
    per object, so an interrupted restore resumes where it stopped. Returns seconds per object."""
    from django.db import connection, transaction

    timings: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [SAVED])
        if cursor.fetchone()[0] is None:
            return timings
        cursor.execute(f"SELECT id, tbl, name, kind, definition FROM {SAVED} "
                       "ORDER BY CASE kind WHEN 'f' THEN 1 ELSE 0 END, id")
        saved = cursor.fetchall()
    for pk, table, name, kind, definition in saved:
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            if kind == "i":
                cursor.execute(definition)
            else:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(f"DELETE FROM {SAVED} WHERE id = %s", [pk])
        timings[name] = round(time.monotonic() - started, 1)
        print(f"  recreated {table}.{name} in {timings[name]} s", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SAVED}")
    return timings


def clone(target: int) -> dict:
    """Bring the register to `target` members by copying generated members set-wise (PostgreSQL only), each
    copy in the same union with a distinct ID-number hash and its own join event: the demo generator encrypts
    every ID number in Python (about 10,000 a second), which 20,000,000 members cannot wait for.
    The secondary indexes and constraints of the member and event tables are dropped first and rebuilt after
    (`drop_secondary`): feeding them row by row ran at 3,000–8,000 rows a second. Each INSERT … SELECT writes
    COPIES_PER_BATCH copies of the generated members in one transaction, so an interrupted build keeps what it
    made (then `--reuse --rebuild`, which first recreates the dropped indexes).
    Bench data only: a copy's ciphertext decrypts to its original's ID number."""
    from django.db import connection, transaction

    from gonghui.members.models import Member

    fields = [f.column for f in Member._meta.concrete_fields if not f.primary_key]
    replace = {"id_number_hash": "md5(m.id_number_hash || %s::text || g::text) || md5(%s::text || g::text || m.id_number_hash)",
               "user_id": "NULL", "card_number": "NULL", "phone_enc": "NULL", "phone_hash": "''"}
    select = ", ".join(replace.get(c, f'm."{c}"') for c in fields)
    columns = ", ".join(f'"{c}"' for c in fields)
    timings: dict = {"cloned": 0}
    bench_session()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM members_member")
        have, base = cursor.fetchone()
    if have >= target:
        return timings
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        drop_secondary(cursor)
    timings["drop_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    k = 0
    while have < target:
        k += 1
        batch_started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT max(id) FROM members_member")
            top = cursor.fetchone()[0]
            salt = f"copy{have}-"  # with the copy number g: distinct per copy, so the hashes stay unique
            cursor.execute(f"INSERT INTO members_member ({columns}) SELECT {select} FROM generate_series(1, %s) g "
                           f"CROSS JOIN members_member m WHERE m.id <= %s LIMIT %s",
                           [salt, salt, COPIES_PER_BATCH, base, target - have])
            rows = cursor.rowcount
            cursor.execute("INSERT INTO members_membershipevent (member_id, kind, org_id, \"on\", reason_code, "
                           "note, created_at) SELECT m.id, '1', m.org_id, m.joined_on, '', '', now() "
                           "FROM members_member m WHERE m.id > %s", [top])
        have += rows
        timings["cloned"] += rows
        took = time.monotonic() - batch_started
        print(f"  clone {k}: +{rows:,} members and join events in {took:.0f} s ({rows / took:,.0f} rows/s), "
              f"{have:,} members", file=sys.stderr, flush=True)
    timings["copy_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    timings["recreated_s"] = restore_secondary()
    timings["restore_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgs_org o SET member_count = c.n FROM (SELECT org_id, count(*) AS n FROM "
                       "members_member WHERE status = 'active' GROUP BY org_id) c WHERE c.org_id = o.id "
                       "AND o.member_count <> c.n")
    timings["counters_s"] = round(time.monotonic() - started, 1)
    print(f"  clone: {timings}", file=sys.stderr, flush=True)
    return timings
