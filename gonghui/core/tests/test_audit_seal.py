"""The audit log resists tampering: a hash chain over the events, sealed after commit, checked by verify.

Attacks are played the way an intruder with SQL access would: the append-only guard switched off inside a
transaction (as `gonghui.core.audit_triggers` lets the test suite and the purge do), then a plain UPDATE or DELETE.
"""
import gzip
import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gonghui.core import audit, audit_purge, audit_seal, audit_triggers
from gonghui.core.models import AuditEvent, AuditPurge, AuditSeal

pytestmark = pytest.mark.django_db
LATER = timedelta(minutes=5)  # past the seal's lag: everything written so far may be sealed


def _record(n: int = 1, action: str = "test.event") -> list[AuditEvent]:
    with transaction.atomic():
        return [audit.record(actor="测试", action=action, object_type="test", object_id=i,
                             after={"n": i, "名称": "锦江区", "amount": 1.5}) for i in range(n)]


def _seal() -> int:
    return audit_seal.seal(now=timezone.now() + LATER)


def _sql(statement: str, params=(), *tables: str) -> None:
    with transaction.atomic(), audit_triggers.suspended(*tables), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify_command() -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def test_the_canonical_columns_are_every_column_of_the_event_model():
    # A new AuditEvent column changes every digest: this fails until audit_seal.CANONICAL_COLUMNS is decided anew.
    assert set(audit_seal.CANONICAL_COLUMNS) == {f.attname for f in AuditEvent._meta.concrete_fields}


def test_sealing_chains_every_event_once_in_order_and_verify_passes():
    events = _record(5)

    assert _seal() == 5
    assert _seal() == 0

    links = list(AuditSeal.objects.order_by("sequence"))
    assert [s.sequence for s in links] == [1, 2, 3, 4, 5]
    assert [s.event_id for s in links] == [e.pk for e in events]
    previous = audit_seal.GENESIS
    for seal, event in zip(links, events):
        row = audit_seal.rows(AuditEvent.objects.filter(pk=event.pk))[0]
        assert seal.digest == audit_seal.digest_of(row)
        previous = audit_seal.link(previous, seal.digest)
        assert seal.hash == previous
    report = audit_seal.verify()
    assert (report.sealed, report.tampered, report.head) == (5, False, links[-1].hash)
    text, ok = _verify_command()
    assert ok and "审计日志校验通过：已封存 5 条" in text


def test_events_younger_than_the_lag_wait_for_the_next_seal_and_are_not_an_error():
    _record(2)

    assert audit_seal.seal(now=timezone.now()) == 0

    report = audit_seal.verify()
    assert (report.unsealed, report.overdue, report.tampered) == (2, 0, False)
    assert any("2 条最近的审计事件尚未封存" in line for line in report.lines())
    assert _seal() == 2


def test_an_event_left_unsealed_past_the_lag_and_margin_is_reported_as_an_error():
    _record(1)

    report = audit_seal.verify(now=timezone.now() + audit_seal.overdue() + LATER)

    assert (report.overdue, report.tampered) == (1, True)
    assert "1 条审计事件超过" in report.lines()[0]


def test_an_event_edited_in_sql_is_named_by_verify_and_the_command_fails():
    events = _record(4)
    _seal()
    target = events[2]

    _sql("UPDATE core_auditevent SET action = %s WHERE id = %s", ["forged", target.pk], audit_triggers.EVENTS)

    report = audit_seal.verify()
    assert (report.edited, report.deleted, report.broken) == ([target.pk], [], [])
    text, ok = _verify_command()
    assert not ok
    assert f"审计事件 #{target.pk} 的内容与封存时不一致（已被修改）" in text
    assert "发现篡改或异常，共 1 处" in text


def test_an_edit_of_a_json_value_is_found_too():
    events = _record(2)
    _seal()

    _sql("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"n": 0, "名称": "锦江区", "amount": 2.5}',
                                                                events[0].pk], audit_triggers.EVENTS)

    assert audit_seal.verify().edited == [events[0].pk]


def test_a_deleted_event_is_named_by_verify():
    events = _record(3)
    _seal()

    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk], audit_triggers.EVENTS)

    report = audit_seal.verify()
    assert (report.deleted, report.edited, report.broken) == ([events[1].pk], [], [])
    text, ok = _verify_command()
    assert not ok and f"审计事件 #{events[1].pk} 已封存，但记录已不存在（已被删除）" in text


def test_a_deleted_or_forged_link_breaks_the_chain():
    _record(4)
    _seal()

    _sql("DELETE FROM core_auditseal WHERE sequence = 2", (), "core_auditseal")
    _sql("UPDATE core_auditseal SET hash = %s WHERE sequence = 4", ["ab" * 32], "core_auditseal")

    report = audit_seal.verify()
    # 3 follows 1 without 2; 4's stored hash does not follow from 3. The event of link 2 is now unsealed.
    assert report.broken == [3, 4]
    assert report.tampered
    text, ok = _verify_command()
    assert not ok and "封存链在序号 3 处断开" in text


def test_the_seal_command_chains_what_the_lag_allows(settings):
    settings.GONGHUI_AUDIT_SEAL_LAG_SECONDS = 0
    _record(3)
    out = io.StringIO()

    call_command("audit", "seal", stdout=out)

    assert out.getvalue().strip() == "已封存 3 条审计事件"
    assert AuditSeal.objects.count() == 3


def test_a_late_arriving_lower_id_is_chained_after_the_higher_one_already_sealed():
    # A transaction holding a lower id committed after the sealer chained a higher one.
    base = (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 100
    with transaction.atomic():
        high = AuditEvent.objects.create(id=base + 10, actor_label="测试", action="test.high", object_type="test")
    assert _seal() == 1
    with transaction.atomic():
        low = AuditEvent.objects.create(id=base + 5, actor_label="测试", action="test.low", object_type="test")

    assert _seal() == 1

    assert list(AuditSeal.objects.order_by("sequence").values_list("event_id", flat=True)) == [high.pk, low.pk]
    report = audit_seal.verify()
    assert (report.sealed, report.unsealed, report.tampered) == (2, 0, False)


def test_an_event_from_a_server_whose_clock_lags_is_still_sealed():
    _record(2)
    _seal()
    [late] = _record(1)
    an_hour_ago = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(hours=1))
    _sql("UPDATE core_auditevent SET at = %s WHERE id = %s", [an_hour_ago, late.pk], audit_triggers.EVENTS)

    assert _seal() == 1
    assert AuditSeal.objects.order_by("-sequence").first().event_id == late.pk


def test_the_chain_and_purge_tables_refuse_update_and_delete():
    _record(1)
    _seal()
    now = timezone.now()
    AuditPurge.objects.create(at=now, before=now, up_to_sequence=0, events=0, archive="-", archive_sha256="-")

    statements = ["UPDATE core_auditseal SET hash = 'x'", "DELETE FROM core_auditseal",
                  "UPDATE core_auditpurge SET events = 0", "DELETE FROM core_auditpurge"]
    if connection.vendor == "postgresql":
        statements += ["TRUNCATE core_auditseal", "TRUNCATE core_auditpurge"]
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditSeal.objects.count() == 1


# --- retention ---------------------------------------------------------------------------------------------


def test_a_purge_of_events_younger_than_the_retention_is_refused_and_deletes_nothing(tmp_path):
    _record(3)
    count = AuditEvent.objects.count()

    with pytest.raises(audit_purge.PurgeRefused, match="至少保存 180 天"):
        audit_purge.purge(before=timezone.now() - timedelta(days=179), archive_dir=tmp_path)
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("audit", "purge", "--before", (timezone.localdate() - timedelta(days=100)).isoformat(),
                     "--archive", str(tmp_path))

    assert AuditEvent.objects.count() == count
    assert not list(tmp_path.iterdir())


def test_a_purge_past_the_retention_archives_deletes_and_leaves_the_chain_verifiable(tmp_path):
    old = _record(3, action="test.old")
    cut = timezone.now() + timedelta(seconds=1)
    later = cut + timedelta(days=181)  # the day the purge runs, 181 days after the cut-off

    record = audit_purge.purge(before=cut, archive_dir=tmp_path, now=later)

    assert (record.events, record.up_to_sequence) == (3, 3)
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    [purge_event] = AuditEvent.objects.filter(action="audit.purge")
    assert purge_event.after["events"] == 3
    lines = [json.loads(line) for line in gzip.open(record.archive, "rt", encoding="utf-8")]
    assert [line["event"]["id"] for line in lines] == [e.pk for e in old]
    for line in lines:  # each archived event still hashes to its link's digest
        assert audit_seal.digest_of(line["event"]) == line["digest"]
    _seal()
    report = audit_seal.verify(now=later)
    assert (report.purged, report.deleted, report.tampered) == (3, [], False)
    # an event deleted after the purge is still caught
    _sql("DELETE FROM core_auditevent WHERE id = %s", [purge_event.pk], audit_triggers.EVENTS)
    assert audit_seal.verify(now=later).deleted == [purge_event.pk]
    assert AuditPurge.objects.count() == 1


def test_a_retention_below_180_days_stops_the_settings_from_loading():
    result = subprocess.run([sys.executable, "-c", "import config.settings"], capture_output=True, text=True,
                            env={"GONGHUI_AUDIT_RETENTION_DAYS": "90", "PATH": "/usr/bin:/bin",
                                 "GONGHUI_DATA_DIR": "/tmp/gonghui-retention-check"}, cwd=".")

    assert result.returncode != 0
    assert "GONGHUI_AUDIT_RETENTION_DAYS must be at least 180" in result.stderr


def test_celery_beat_sends_the_seal_every_minute_and_the_worker_seals(settings):
    from config.celery import app
    from gonghui.core.testing.tasks import queued, run

    app.loader.import_default_modules()  # what a worker does at start: every app's tasks.py is registered
    entry = settings.CELERY_BEAT_SCHEDULE["audit-seal"]
    assert entry["schedule"] <= 60
    settings.GONGHUI_AUDIT_SEAL_LAG_SECONDS = 0
    events = _record(2)

    app.send_task(entry["task"])  # what beat does each minute
    messages = queued()
    assert [m.name for m in messages] == ["core.audit_seal"]
    run(messages)

    assert list(AuditSeal.objects.order_by("sequence").values_list("event_id", flat=True)) == [e.pk for e in events]


def test_a_forged_purge_record_does_not_excuse_a_deleted_event():
    events = _record(2)
    _seal()
    now = timezone.now()
    # a purge record claiming events of today were purged: no `gonghui audit purge` writes that
    AuditPurge.objects.create(at=now, before=now, up_to_sequence=2, events=2, archive="-", archive_sha256="-")
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk], audit_triggers.EVENTS)

    report = audit_seal.verify()

    assert (report.deleted, report.purged, report.tampered) == ([events[0].pk], 0, True)
    assert len(report.bad_purges) == 1
    assert any("不合规" in line for line in report.lines())
