"""Two transfer writes for one member at once, on PostgreSQL (SQLite runs one writer at a time)."""
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from gonghui.core.testing.personas import build_world
from gonghui.joining.choices import TransferStatus
from gonghui.joining.models import Transfer
from gonghui.joining.services import transfer_accept, transfer_cancel, transfer_request
from gonghui.members.models import Member

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: concurrent writers"),
    pytest.mark.django_db(transaction=True),
]


def _while_open(first, second):
    """Run `first` in a transaction held open for a moment in another thread, and `second` meanwhile."""
    started, outcome = threading.Event(), {}

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                started.set()
                time.sleep(1.0)  # let `second` reach the rows this transaction holds
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome["first"] = exc
            started.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run_first)
    thread.start()
    started.wait(10)
    try:
        outcome["second"] = second()
    except Exception as exc:  # noqa: BLE001 - asserted by the caller
        outcome["second"] = exc
    thread.join(20)
    return outcome["first"], outcome["second"]


def test_the_member_and_the_sending_union_asking_at_once_make_one_transfer():
    world = build_world()

    first, second = _while_open(
        lambda: transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker),
        lambda: transfer_request(member=world.worker_member, to_org=world.industry, actor=world.grassroots_cadre),
    )

    assert isinstance(first, Transfer)
    assert isinstance(second, ValidationError) and "已有一笔转会正在办理" in second.messages[0]
    assert Transfer.objects.filter(status=TransferStatus.REQUESTED).count() == 1


def test_an_acceptance_and_a_cancellation_at_once_end_in_exactly_one_of_them():
    world = build_world()
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker)

    first, second = _while_open(lambda: transfer_accept(transfer=transfer, actor=world.other_county_cadre),
                                lambda: transfer_cancel(transfer=transfer, actor=world.worker))

    assert isinstance(first, Transfer)
    assert isinstance(second, ValidationError) and "已接收" in second.messages[0]
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED
    member = Member.objects.get(pk=world.worker_member.pk)
    assert member.org_id == world.sibling_grassroots.pk
    for org in (world.grassroots, world.sibling_grassroots):
        org.refresh_from_db()
        assert org.member_count == Member.objects.filter(org=org, status="active").count()
