"""Fifty taps at once: exactly one application per person, and ten racing approvals make exactly one member.

Real concurrency needs real connections and a database that runs them at once: PostgreSQL. Each thread has its
own connection (Django's connections are per thread) and closes it when done; a barrier releases all threads
together so the requests overlap inside the database, not one after another.
"""
import threading
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from gonghui.accounts.models import Consent
from gonghui.accounts.services import worker_for_phone
from gonghui.core import idnumber
from gonghui.joining.models import JoinApplication
from gonghui.joining.services import join_apply, join_approve, privacy_notice_current
from gonghui.joining.tests.support import join_code
from gonghui.members.models import Member, MembershipEvent
from gonghui.members.records import id_number_index

pytestmark = [
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="concurrency needs PostgreSQL: SQLite runs one writer at a time"),
    pytest.mark.django_db(transaction=True),
]

TAPS = 50
APPROVERS = 10
PERSON = idnumber.make("510104", date(1994, 2, 14), 731)


def run_together(n: int, work) -> list:
    """Run `work(i)` in n threads released at once; each result is ("ok", value) or ("error", exception)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def target(i):
        try:
            barrier.wait()
            results[i] = ("ok", work(i))
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def test_fifty_concurrent_applications_of_one_person_end_in_one_row_and_ten_approvals_in_one_member(world):
    version = privacy_notice_current().version
    # Fifty different phones and accounts, each with its own valid code, all for the same ID number: every
    # request passes the SMS proof, so only the unique index can stop the other forty-nine.
    callers = []
    for i in range(TAPS):
        phone = f"1370000{i:04d}"
        callers.append((worker_for_phone(phone=phone), phone, join_code(phone)))

    def tap(i):
        applicant, phone, code = callers[i]
        return join_apply(applicant=applicant, name="并发测试", id_number=PERSON, phone=phone, sms_code=code,
                          consent_version=version, employment_form="courier", work_division_code="510104")

    results = run_together(TAPS, tap)

    made = [value for kind, value in results if kind == "ok"]
    refused = [value for kind, value in results if kind == "error"]
    assert len(made) == 1, [repr(e) for e in refused if not isinstance(e, ValidationError)]
    assert all(isinstance(e, ValidationError) for e in refused), [repr(e) for e in refused]
    assert all("正在审批中" in " ".join(e.messages) for e in refused)
    assert JoinApplication.objects.filter(id_number_hash=id_number_index(PERSON)).count() == 1
    assert Consent.objects.count() == 1  # a refused application takes its consent with it

    application = made[0]
    cadre = world.county_cadre
    cadre.managing_paths  # noqa: B018 - computed once here, not raced for by the threads

    approvals = run_together(APPROVERS, lambda i: join_approve(application=application, actor=cadre))

    members = [value for kind, value in approvals if kind == "ok"]
    refusals = [value for kind, value in approvals if kind == "error"]
    assert len(members) == 1
    assert all(isinstance(e, ValidationError) and "已处理" in " ".join(e.messages) for e in refusals), refusals
    assert Member.objects.filter(id_number_hash=id_number_index(PERSON)).count() == 1
    assert MembershipEvent.objects.filter(member=members[0]).count() == 1
    application.refresh_from_db()
    assert application.status == "approved" and application.member_id == members[0].pk
