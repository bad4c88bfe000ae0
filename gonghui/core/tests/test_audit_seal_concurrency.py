"""The sealer under real concurrency on PostgreSQL: two sealers at once, and an event whose transaction commits
after a higher id was already sealed. Transactional tests: each thread works on its own connection."""
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from gonghui.core import audit, audit_seal
from gonghui.core.models import AuditEvent, AuditSeal

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite admits one writer"),
    pytest.mark.django_db(transaction=True),
]
LATER = timedelta(minutes=5)


def _record(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            audit.record(actor="测试", action="test.event", object_type="test", object_id=i)


def _in_thread(target, *args):
    errors = []

    def run():
        try:
            target(*args)
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_two_sealers_at_once_do_not_fork_the_chain():
    _record(3000)  # more than one batch, so both sealers have work while the other holds the lock
    now = timezone.now() + LATER
    start = threading.Barrier(2)
    counts = []

    def sealer():
        start.wait()
        counts.append(audit_seal.seal(now=now))

    runs = [_in_thread(sealer) for _ in range(2)]
    for thread, _errors in runs:
        thread.join(60)

    assert [e for _t, errors in runs for e in errors] == []
    assert sorted(counts)[1] >= 1 and sum(counts) == 3000
    sequences = list(AuditSeal.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 3001))
    assert AuditSeal.objects.values("event_id").distinct().count() == AuditEvent.objects.count() == 3000
    report = audit_seal.verify()
    assert (report.sealed, report.broken, report.tampered) == (3000, [], False)


def test_an_event_committed_after_a_higher_id_was_sealed_is_chained_on_the_next_run():
    inserted, release = threading.Event(), threading.Event()
    held = {}

    def slow_writer():
        with transaction.atomic():
            held["event"] = audit.record(actor="测试", action="test.slow", object_type="test")
            inserted.set()
            release.wait(30)

    thread, errors = _in_thread(slow_writer)
    assert inserted.wait(30)
    _record(1)  # a higher id, committed first
    fast = AuditEvent.objects.get(action="test.event")
    assert fast.pk > held["event"].pk

    assert audit_seal.seal(now=timezone.now() + LATER) == 1  # the slow one is not visible yet
    release.set()
    thread.join(30)
    assert errors == []
    assert audit_seal.seal(now=timezone.now() + LATER) == 1

    chain = list(AuditSeal.objects.order_by("sequence").values_list("event_id", flat=True))
    assert chain == [fast.pk, held["event"].pk]
    report = audit_seal.verify()
    assert (report.sealed, report.unsealed, report.tampered) == (2, 0, False)
