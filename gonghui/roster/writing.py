"""The bulk write of one chunk of new members and their join events, set-wise, no per-row save or signal.

Rows travel as lists in COLUMNS order, made by `RowMaker` where the rows are checked (possibly another
process, gonghui.roster.pipeline): dates as ISO text, every column filled, ready for the driver as they are.

PostgreSQL: psycopg COPY into a temporary staging table, then one statement inserts the members with
`ON CONFLICT (id_number_hash) DO NOTHING` and their JOIN events from the rows actually inserted
(research/performance-anchors.md §3.1: COPY + set-wise upsert runs 6–9× faster than bulk_create).
SQLite: the driver's executemany with the same conflict clause (Django's bulk_create would rebuild the query
for every batch), then the events from the ids above the chunk's starting maximum — safe because the chunk's
transaction holds SQLite's single write lock (settings: transaction_mode IMMEDIATE).
"""
import os

from django.db import connection
from django.utils import timezone

from gonghui.core import crypto
from gonghui.members.choices import MemberStatus, MembershipChange
from gonghui.members.models import Member, MembershipEvent

_FIELDS = [f for f in Member._meta.concrete_fields if not f.primary_key]
ATTNAMES = [f.attname for f in _FIELDS]
COLUMNS = [f.column for f in _FIELDS]
_DEFAULTS = {f.attname: (None if f.null and not f.has_default() else f.get_default()) for f in _FIELDS}
_AT = {name: i for i, name in enumerate(ATTNAMES)}


class RowMaker:
    """Member rows (lists in COLUMNS order) from checked values: blind index, encryption, defaults, dates.

    One AESGCM object and one index key for the whole file (crypto.py: creating them costs more than the
    encryption; reading them through Django's lazy settings costs a µs a call). The ciphertext layout and
    the index are crypto.encrypt's and crypto.blind_index's, byte for byte (test_pipeline checks both)."""

    def __init__(self, *, org_id: int, vendor: str, encrypt: bool = True):
        from django.conf import settings

        self.vendor, self.encrypt = vendor, encrypt
        self._aead = crypto._aead(settings.GONGHUI_DATA_KEY)
        self._template = [_DEFAULTS[a] for a in ATTNAMES]
        self._template[_AT["org_id"]] = org_id
        self._template[_AT["status"]] = MemberStatus.ACTIVE.value

    def stamp(self) -> None:
        """created_at / updated_at of the rows made from now on (once a chunk)."""
        now = timezone.now()
        if self.vendor != "postgresql":
            now = connection.ops.adapt_datetimefield_value(now)  # pure: no query
        self._template[_AT["created_at"]] = self._template[_AT["updated_at"]] = now

    def _seal(self, plaintext: str, context: bytes) -> bytes:
        nonce = os.urandom(crypto.NONCE_BYTES)
        return crypto.KEY_VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), context)

    def make(self, values: dict, *, id_value: str, id_hash: str, phone: str) -> list:
        row = self._template.copy()
        at = _AT
        for name, value in values.items():
            row[at[name]] = value
        row[at["birth_date"]] = values["birth_date"].isoformat()
        row[at["joined_on"]] = values["joined_on"].isoformat()
        row[at["id_number_hash"]] = id_hash
        if self.encrypt:
            row[at["id_number_enc"]] = self._seal(id_value, b"id_number")
            if phone:
                row[at["phone_enc"]] = self._seal(phone, b"phone")
        if phone:
            row[at["phone_hash"]] = crypto.blind_index(phone, purpose="phone")
        return row


def _event_columns() -> list[str]:
    meta = MembershipEvent._meta
    return [meta.get_field(name).column for name in
            ("member", "kind", "org", "on", "reason_code", "note", "actor", "created_at")]


def _copy_straight(cursor, rows: list[list], *, actor_id, now) -> int | None:
    """PostgreSQL, the usual case: COPY the members, with ids drawn from their sequence beforehand, and their
    events straight into their tables — no staging table, no INSERT … SELECT. The caller looked the ID numbers
    up in this transaction, so a conflict means someone registered one of these people since; then this
    undoes itself (savepoint) and answers None, and the staged, conflict-proof insert does the chunk."""
    import psycopg

    q = connection.ops.quote_name
    member_table, event_table = Member._meta.db_table, MembershipEvent._meta.db_table
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                   [member_table, len(rows)])
    ids = [i for (i,) in cursor.fetchall()]
    at_org, at_joined = _AT["org_id"], _AT["joined_on"]
    join = MembershipChange.JOIN.value
    cursor.execute("SAVEPOINT roster_copy")
    try:
        with cursor.copy(f"COPY {q(member_table)} (id, {', '.join(q(c) for c in COLUMNS)}) FROM STDIN") as copy:
            for member_id, values in zip(ids, rows):
                copy.write_row([member_id, *values])
    except psycopg.errors.UniqueViolation:
        cursor.execute("ROLLBACK TO SAVEPOINT roster_copy")
        return None
    cursor.execute("RELEASE SAVEPOINT roster_copy")
    with cursor.copy(f"COPY {q(event_table)} ({', '.join(q(c) for c in _event_columns())}) FROM STDIN") as copy:
        for member_id, values in zip(ids, rows):
            copy.write_row((member_id, join, values[at_org], values[at_joined], "", "", actor_id, now))
    return len(rows)


def insert_members(rows: list[list], *, org_id: int, actor_id, now) -> int:
    """Insert members (RowMaker rows of union `org_id`) and a JOIN event for each row inserted; returns the count.

    Must run inside the chunk's transaction. A row whose ID number is already registered is skipped."""
    if not rows:
        return 0
    q = connection.ops.quote_name
    member_table, event_table = q(Member._meta.db_table), q(MembershipEvent._meta.db_table)
    columns = ", ".join(q(c) for c in COLUMNS)
    events = ", ".join(q(c) for c in _event_columns())
    # The driver's cursor throughout: Django's debug cursor would keep every statement in connection.queries.
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            inserted = _copy_straight(cursor, rows, actor_id=actor_id, now=now)
            if inserted is not None:
                return inserted
            cursor.execute(f"CREATE TEMP TABLE roster_stage ON COMMIT DROP AS "
                           f"SELECT {columns} FROM {member_table} WITH NO DATA")
            with cursor.copy(f"COPY roster_stage ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
            cursor.execute(
                f"WITH ins AS (INSERT INTO {member_table} ({columns}) SELECT {columns} FROM roster_stage "
                f"ON CONFLICT (id_number_hash) DO NOTHING RETURNING id, org_id, joined_on), "
                f"ev AS (INSERT INTO {event_table} ({events}) "
                f"SELECT id, %s, org_id, joined_on, '', '', %s, %s FROM ins RETURNING 1) "
                f"SELECT count(*) FROM ev",
                [MembershipChange.JOIN.value, actor_id, now])
            inserted = cursor.fetchone()[0]
            cursor.execute("DROP TABLE roster_stage")
            return inserted
        stamp = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {member_table}")
        floor = cursor.fetchone()[0]
        marks = ", ".join("?" * len(COLUMNS))
        cursor.executemany(
            f"INSERT INTO {member_table} ({columns}) VALUES ({marks}) ON CONFLICT (id_number_hash) DO NOTHING", rows)
        cursor.execute(
            f"INSERT INTO {event_table} ({events}) SELECT id, ?, org_id, joined_on, '', '', ?, ? "
            f"FROM {member_table} WHERE id > ? AND org_id = ?",
            [MembershipChange.JOIN.value, actor_id, stamp, floor, org_id])
        return cursor.rowcount
