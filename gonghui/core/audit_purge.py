"""Purging audit events past their retention: archive to a file, delete, and keep the chain verifiable.

Events younger than GONGHUI_AUDIT_RETENTION_DAYS (at least 180, 网络安全法 Art. 21(3)) are never deleted. A purge
takes a prefix of the chain: every link up to the last sequence whose events all lie before the cut-off date (a
late-sealed older event after it simply waits for the next purge). The events are written to a gzipped JSON Lines
archive (each line: sequence, digest, hash and the canonical event, so anyone can recompute the digest), then
deleted in batches, each in its own transaction with the guard switched off inside it. An `AuditPurge` row records
the prefix; the links themselves stay, so verify still walks the whole chain and knows which events left on
purpose. The purge writes one audit event of its own.
"""
import gzip
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, audit_seal, audit_triggers
from gonghui.core.models import AuditEvent, AuditPurge, AuditSeal

DELETE_BATCH = 5000


class PurgeRefused(Exception):
    """The purge did not run; the message says why, in Chinese."""


def earliest_allowed_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.GONGHUI_AUDIT_RETENTION_DAYS)


def purge(*, before: datetime, archive_dir: Path, actor: str = "system", now: datetime | None = None) -> AuditPurge:
    """Archive and delete the sealed events written before `before`; refuses anything inside the retention."""
    now = now or timezone.now()
    if before > earliest_allowed_cutoff(now):
        raise PurgeRefused(_("拒绝清理：审计事件至少保存 %(days)s 天，只能清理 %(date)s 之前的事件")
                           % {"days": settings.GONGHUI_AUDIT_RETENTION_DAYS,
                              "date": timezone.localtime(earliest_allowed_cutoff(now)).strftime("%Y-%m-%d %H:%M")})
    audit_seal.seal(now=now, full=True)
    report = audit_seal.verify(now=now)
    if report.tampered:
        # Purging now would delete the evidence along with the old rows.
        raise PurgeRefused(_("拒绝清理：审计日志校验未通过，请先处理：") + "；".join(report.lines()[:-1]))
    done = AuditPurge.objects.order_by("-up_to_sequence").values_list("up_to_sequence", flat=True).first() or 0
    young_events = AuditEvent.objects.filter(at__gte=before).values("id")
    first_young = AuditSeal.objects.filter(sequence__gt=done, event_id__in=young_events).aggregate(
        m=Min("sequence"))["m"]
    last = (first_young - 1) if first_young else (
        AuditSeal.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0)
    if last <= done:
        raise PurgeRefused(_("没有可清理的事件：%(date)s 之前的事件已清理过或不存在")
                           % {"date": timezone.localtime(before).strftime("%Y-%m-%d")})
    archive_dir.mkdir(parents=True, exist_ok=True)
    path = archive_dir / f"audit-{done + 1}-{last}.jsonl.gz"
    count, sha = _archive(path, after=done, up_to=last)
    event_ids = AuditSeal.objects.filter(sequence__gt=done, sequence__lte=last).values_list("event_id", flat=True)
    ids = list(event_ids.order_by("sequence"))
    with transaction.atomic():
        record = AuditPurge.objects.create(at=now, before=before, up_to_sequence=last, events=count,
                                           archive=str(path), archive_sha256=sha)
        audit.record(actor=actor, action="audit.purge", object_type="core.auditpurge", object_id=record.pk,
                     after={"before": before.isoformat(), "up_to_sequence": last, "events": count,
                            "archive": path.name, "archive_sha256": sha})
        _delete(ids[:DELETE_BATCH])
    for start in range(DELETE_BATCH, len(ids), DELETE_BATCH):
        with transaction.atomic():
            _delete(ids[start:start + DELETE_BATCH])
    return record


def _delete(ids: list[int]) -> None:
    with audit_triggers.suspended(audit_triggers.EVENTS):
        AuditEvent.objects.filter(pk__in=ids).delete()


def _archive(path: Path, *, after: int, up_to: int) -> tuple[int, str]:
    count = 0
    with gzip.open(path, "wt", encoding="utf-8") as out:
        links = AuditSeal.objects.filter(sequence__gt=after, sequence__lte=up_to).order_by("sequence")
        batch = []
        for link in links.values_list("sequence", "event_id", "digest", "hash").iterator(chunk_size=2000):
            batch.append(link)
            if len(batch) == 2000:
                count += _write(out, batch)
                batch = []
        count += _write(out, batch)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return count, sha


def _write(out, links) -> int:
    if not links:
        return 0
    ids = [event_id for _seq, event_id, _digest, _hash in links]
    events = {row["id"]: row for row in audit_seal.rows(AuditEvent.objects.filter(pk__in=ids))}
    for sequence, event_id, digest, chain_hash in links:
        event = json.loads(audit_seal.canonical(events[event_id]))
        out.write(json.dumps({"sequence": sequence, "digest": digest, "hash": chain_hash, "event": event},
                             ensure_ascii=False, sort_keys=True) + "\n")
    return len(links)
