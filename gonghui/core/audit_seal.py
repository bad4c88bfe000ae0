"""The hash chain over audit events: sealing (`seal`) and checking (`verify`).

Why a separate chain table: every service writes an audit event, and the join API writes hundreds a second; a
hash computed at insert time would need the previous row's hash and so serialise every writer on one lock.
The sealer instead chains events after they commit, in sealing order, from Celery beat (`core.audit_seal`,
every minute) or `gonghui audit seal`.

    digest_n = SHA-256(canonical serialisation of every column of event n)
    hash_n   = SHA-256(hash_{n-1} ‖ digest_n)          (hash_0 = 32 zero bytes)

The chain hashes the digest rather than the serialisation itself so that a link stays checkable after its
event is edited, deleted or purged: an edit shows as a digest mismatch on that event alone, a forged or missing
link as a broken chain. Ids are not committed in id order (a transaction holding a lower id may commit after a
higher one), so the sealer only takes events older than a safety lag and, on every run, looks back a window
for a lower id that committed late; such an event is chained where it is found. Two sealers never fork the
chain: PostgreSQL takes a transaction-level advisory lock, SQLite's BEGIN IMMEDIATE admits one writer, and the
primary key on `sequence` and the unique `event_id` would refuse a second link anyway.

Window of exposure: an event can be altered in the database before its first seal, at most lag + the beat
interval after it was written (docs/operations.md).
"""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import AuditEvent, AuditPurge, AuditSeal

GENESIS = "0" * 64
# The columns serialised, frozen here: adding a column to AuditEvent changes every digest, so a test compares
# this list with the model and forces a deliberate decision (a new canonical version) when it changes.
CANONICAL_COLUMNS = ("id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "org_path",
                     "before", "after", "ip")
# Advisory lock key of the sealer on PostgreSQL: any constant shared by every sealer process.
_LOCK_KEY = 0x6768_6175_6469_7400  # "ghaudit\0"
BATCH = 2000


def lag() -> timedelta:
    return timedelta(seconds=settings.GONGHUI_AUDIT_SEAL_LAG_SECONDS)


def rescan() -> timedelta:
    """How far behind the newest sealed event a run looks for events that committed late."""
    return timedelta(minutes=settings.GONGHUI_AUDIT_SEAL_RESCAN_MINUTES)


def overdue() -> timedelta:
    """An event still unsealed after this long is reported by verify as an error, not as pending work."""
    return lag() + rescan()


def _encode(value):
    if isinstance(value, datetime):
        return value.astimezone(dt_timezone.utc).isoformat(timespec="microseconds")
    return value


def canonical(row: dict) -> bytes:
    """One event's columns as bytes that do not depend on the database: sorted-key JSON, UTC timestamps."""
    data = {name: _encode(row[name]) for name in CANONICAL_COLUMNS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def digest_of(row: dict) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


def link(previous: str, digest: str) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + bytes.fromhex(digest)).hexdigest()


def rows(queryset):
    """The canonical columns of the events in `queryset`, as dicts."""
    return queryset.values(*CANONICAL_COLUMNS)


def _sealed() -> Exists:
    # NOT EXISTS, an anti-join on the unique event_id index; NOT IN (subquery) would hash the whole chain each run.
    return Exists(AuditSeal.objects.filter(event_id=OuterRef("pk")))


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    # SQLite: the settings open every transaction with BEGIN IMMEDIATE, so a sealer holds the one write lock.


def seal(*, now: datetime | None = None, full: bool = False) -> int:
    """Chain every committed event older than the lag that is not chained yet; returns how many were sealed.

    `full` looks at the whole table instead of the recent window (after an outage longer than the window).
    """
    now = now or timezone.now()
    cutoff = now - lag()
    sealed, after_id = 0, 0
    while True:
        with transaction.atomic():
            _lock()
            last = AuditSeal.objects.order_by("-sequence").values("sequence", "hash", "event_id").first()
            candidates = AuditEvent.objects.filter(at__lt=cutoff)
            if last and not full:
                newest_at = AuditEvent.objects.filter(pk=last["event_id"]).values_list("at", flat=True).first()
                highest = AuditSeal.objects.aggregate(m=Max("event_id"))["m"]
                if newest_at is not None:
                    # Recent by time, or any id above the highest sealed one whatever its clock said: an app
                    # server whose clock lags must not hide its events from the window.
                    candidates = candidates.filter(Q(at__gte=newest_at - rescan()) | Q(pk__gt=highest))
            # Within one run, each batch starts past the previous one instead of re-reading the sealed ids.
            candidates = candidates.filter(~_sealed(), pk__gt=after_id)
            batch = list(rows(candidates.order_by("id"))[:BATCH])
            if not batch:
                return sealed
            sequence, previous = (last["sequence"], last["hash"]) if last else (0, GENESIS)
            links = []
            for row in batch:
                sequence += 1
                digest = digest_of(row)
                previous = link(previous, digest)
                links.append(AuditSeal(sequence=sequence, event_id=row["id"], digest=digest, hash=previous,
                                       sealed_at=now))
            AuditSeal.objects.bulk_create(links)
            sealed, after_id = sealed + len(links), batch[-1]["id"]
        if len(batch) < BATCH:
            return sealed


@dataclass
class Report:
    sealed: int = 0
    purged: int = 0
    head: str = GENESIS
    edited: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    broken: list[int] = field(default_factory=list)  # sequences whose link does not follow from the previous one
    bad_purges: list[int] = field(default_factory=list)  # purge records no honest `gonghui audit purge` writes
    unsealed: int = 0
    overdue: int = 0
    oldest_unsealed: datetime | None = None

    @property
    def tampered(self) -> bool:
        return bool(self.edited or self.deleted or self.broken or self.overdue or self.bad_purges)

    def lines(self) -> list[str]:
        """The findings in Chinese, one per line, for the operator."""
        out = []
        for event_id in self.edited:
            out.append(_("篡改：审计事件 #%(id)s 的内容与封存时不一致（已被修改）") % {"id": event_id})
        for event_id in self.deleted:
            out.append(_("篡改：审计事件 #%(id)s 已封存，但记录已不存在（已被删除）") % {"id": event_id})
        for purge_id in self.bad_purges:
            out.append(_("篡改：清理记录 #%(id)s 不合规（清理了未满保存期限的事件），其范围内缺失的事件按删除处理")
                       % {"id": purge_id})
        for sequence in self.broken:
            out.append(_("篡改：封存链在序号 %(seq)s 处断开（链哈希与前一环不符或缺环）") % {"seq": sequence})
        if self.overdue:
            out.append(_("异常：%(n)s 条审计事件超过 %(min)s 分钟仍未封存，最早的写于 %(at)s；"
                         "请检查定时任务，或运行 gonghui audit seal --full")
                       % {"n": self.overdue, "min": int(overdue().total_seconds() // 60),
                          "at": timezone.localtime(self.oldest_unsealed).strftime("%Y-%m-%d %H:%M:%S")})
        elif self.unsealed:
            out.append(_("提示：%(n)s 条最近的审计事件尚未封存（封存延迟 %(lag)s 秒，属正常）")
                       % {"n": self.unsealed, "lag": settings.GONGHUI_AUDIT_SEAL_LAG_SECONDS})
        if self.purged:
            out.append(_("已按保存期限清理并归档 %(n)s 条事件，其封存链仍完整校验") % {"n": self.purged})
        verdict = _("发现篡改或异常，共 %(n)s 处") % {"n": len(self.edited) + len(self.deleted) + len(self.broken)
                                                       + len(self.bad_purges) + (1 if self.overdue else 0)} \
            if self.tampered else _("审计日志校验通过")
        out.append(_("%(verdict)s：已封存 %(sealed)s 条，链头哈希 %(head)s")
                   % {"verdict": verdict, "sealed": self.sealed, "head": self.head})
        return out


def _bad_purges() -> list[int]:
    """Purge records that `gonghui audit purge` cannot have written: a cut-off inside the legal minimum retention.
    (Whoever owns the database can forge a plausible one; the log shipped elsewhere answers that, docs/operations.md.)
    """
    minimum = timedelta(days=settings.GONGHUI_AUDIT_MIN_RETENTION_DAYS)
    return [purge_id for purge_id, at, before in AuditPurge.objects.order_by("pk").values_list("pk", "at", "before")
            if before > at - minimum]


def verify(*, now: datetime | None = None, chunk: int = 5000) -> Report:
    """Recompute the whole chain from the first link and compare it with the events as they are now."""
    now = now or timezone.now()
    report = Report()
    report.bad_purges = _bad_purges()
    purged_up_to = (AuditPurge.objects.exclude(pk__in=report.bad_purges).order_by("-up_to_sequence")
                    .values_list("up_to_sequence", flat=True).first() or 0)
    previous, expected_sequence, after = GENESIS, 1, 0
    while True:
        links = list(AuditSeal.objects.filter(sequence__gt=after).order_by("sequence")
                     .values_list("sequence", "event_id", "digest", "hash")[:chunk])
        if not links:
            break
        ids = [event_id for _seq, event_id, _digest, _hash in links]
        events = {row["id"]: row for row in rows(AuditEvent.objects.filter(pk__in=ids))}
        for sequence, event_id, digest, stored in links:
            if sequence != expected_sequence or link(previous, digest) != stored:
                report.broken.append(sequence)
            row = events.get(event_id)
            if row is None:
                if sequence <= purged_up_to:
                    report.purged += 1
                else:
                    report.deleted.append(event_id)
            elif digest_of(row) != digest:
                report.edited.append(event_id)
            # Continue from the stored hash so that one tampered link is reported once, not for every link after.
            previous, expected_sequence = stored, sequence + 1
            report.sealed += 1
        after = links[-1][0]
    report.head = previous
    unsealed = AuditEvent.objects.filter(~_sealed())
    report.unsealed = unsealed.count()
    if report.unsealed:
        report.oldest_unsealed = unsealed.order_by("at").values_list("at", flat=True).first()
        report.overdue = unsealed.filter(at__lt=now - overdue()).count()
    return report
