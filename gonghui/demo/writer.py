"""Bulk writes for demo data: orgs through bulk_create, members through COPY (PostgreSQL) or executemany (SQLite).

Millions of members cannot go through member_register one by one (it locks and audits every row); this
writes the same columns in batches and leaves the counters, paths and sequences as the services would.
"""
import sys
import time

from django.core.management.color import no_style
from django.db import connection

from django.utils import timezone

from gonghui.members.choices import MembershipChange
from gonghui.members.models import Member, MembershipEvent
from gonghui.orgs.models import Org, OrgEvent

BATCH = 20_000
PROGRESS_EVERY = 100_000
# A page cache big enough for the member indexes keyed by random hashes (2M rows ≈ 400 MB of index), so
# SQLite does not thrash while it inserts into them; reset when the load ends.
SQLITE_LOAD_CACHE_KIB = 1_048_576


class Writer:
    def __init__(self, *, expected_members: int = 0, progress=sys.stderr):
        self.vendor = connection.vendor
        self.fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.buffer: list[tuple] = []
        self.members_written = 0
        self.orgs_written = 0
        self.expected = expected_members
        self.progress = progress
        self.started = time.monotonic()
        self._next_report = PROGRESS_EVERY

    def start(self) -> None:
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")

    def orgs(self, orgs: list[Org]) -> None:
        Org.objects.bulk_create(orgs, batch_size=1000)
        OrgEvent.objects.bulk_create(
            [OrgEvent(org=o, kind=OrgEvent.Kind.FOUND, on=o.founded_on, new_parent_id=o.parent_id, new_path=o.path)
             for o in orgs], batch_size=2000,
        )
        self.orgs_written += len(orgs)

    def members(self, rows) -> None:
        attnames = [f.attname for f in self.fields]
        defaults = self.defaults
        sqlite = self.vendor == "sqlite"
        # Django stores dates and datetimes as ISO text on SQLite; sqlite3's own adapters would differ.
        dates = [i for i, f in enumerate(self.fields) if f.get_internal_type() == "DateField"]
        stamps = [i for i, f in enumerate(self.fields) if f.get_internal_type() == "DateTimeField"]
        adapted: dict = {}
        for row in rows:
            values = [row.get(a, defaults[a]) for a in attnames]
            if sqlite:
                for i in dates:
                    if values[i] is not None:
                        values[i] = values[i].isoformat()
                for i in stamps:
                    stamp = values[i]
                    if stamp is not None:
                        if stamp not in adapted:
                            adapted[stamp] = connection.ops.adapt_datetimefield_value(stamp)
                        values[i] = adapted[stamp]
            self.buffer.append(values)
            if len(self.buffer) >= BATCH:
                self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        table = Member._meta.db_table
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in self.buffer:
                        copy.write_row(values)
            else:
                marks = ", ".join("?" * len(self.columns))
                # The driver's own executemany: Django's wrapper would rewrite the query for every batch.
                cursor.cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self.buffer)
        self.members_written += len(self.buffer)
        self.buffer.clear()
        if self.progress and self.members_written >= self._next_report:
            self._next_report += PROGRESS_EVERY
            elapsed = time.monotonic() - self.started
            of = f" / {self.expected:,}" if self.expected else ""
            self.progress.write(f"  会员 {self.members_written:,}{of}，组织 {self.orgs_written:,}，{elapsed:.0f} 秒\n")
            self.progress.flush()

    def finish(self) -> None:
        """Inside the transaction: the last batch, the join events, then sequences past the tree's own ids."""
        self.flush()
        self.join_events()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Org]):
                cursor.execute(sql)
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size=-65536")


    def join_events(self) -> None:
        """One join event per loaded member, set-based, so history and statistics see when each joined.

        The same row member_join writes (kind 1 入会 at the member's union on the join date), in one statement
        instead of two million.
        """
        events = MembershipEvent._meta.db_table
        members = Member._meta.db_table
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {events} (member_id, kind, org_id, {connection.ops.quote_name('on')}, reason_code, "
                f"note, created_at) SELECT id, %s, org_id, joined_on, '', '', %s FROM {members} m "
                f"WHERE NOT EXISTS (SELECT 1 FROM {events} e WHERE e.member_id = m.id)",
                [MembershipChange.JOIN, now],
            )


def analyze() -> None:
    """After commit: fresh planner statistics, and on PostgreSQL a visibility map for index-only scans."""
    if connection.in_atomic_block:  # a caller's transaction (tests): VACUUM cannot run there, and need not
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM (ANALYZE) {Org._meta.db_table}, {Member._meta.db_table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
