"""Helpers of the joining tests: a join SMS code for a phone, and an application made through join_apply."""
import re
from datetime import date

import pytest

from gonghui.accounts.services import sms_code_send, worker_for_phone
from gonghui.core import idnumber
from gonghui.core.sms import LocmemBackend
from gonghui.joining.services import join_apply, privacy_notice_current

APPLICANT_PHONE = "13900001111"
APPLICANT_ID = idnumber.make("510104", date(1996, 8, 8), 357)  # 锦江区, male, not a member


@pytest.fixture
def join_code(django_capture_on_commit_callbacks):
    """`join_code(phone)` sends a real join code through accounts.services and returns it as the SMS said it."""

    def send(phone: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            sms_code_send(phone=phone, purpose="join")
        message = LocmemBackend.outbox.pop()
        assert message.phone == phone
        return re.search(r"验证码是(\d{6})", message.text).group(1)

    return send


@pytest.fixture
def apply(world, join_code):
    """`apply(**overrides)`: a valid application of a new worker (a courier in 锦江区 unless told otherwise)."""

    def make(**overrides):
        phone = overrides.pop("phone", APPLICANT_PHONE)
        fields = {
            "applicant": overrides.pop("applicant", None) or worker_for_phone(phone=phone),
            "name": "陈晨", "id_number": APPLICANT_ID, "phone": phone,
            "consent_version": privacy_notice_current().version,
            "work_division_code": "510104",
        }
        fields.update(overrides)
        if "sms_code" not in fields:
            fields["sms_code"] = join_code(phone)
        return join_apply(**fields)

    return make
