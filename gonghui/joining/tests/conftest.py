"""Helpers of the joining tests: a join SMS code for a phone, and an application made through join_apply."""
from datetime import date

import pytest

from gonghui.accounts.services import worker_for_phone
from gonghui.core import idnumber
from gonghui.joining.services import join_apply, privacy_notice_current
from gonghui.joining.tests import support

APPLICANT_PHONE = "13900001111"
APPLICANT_ID = idnumber.make("510104", date(1996, 8, 8), 357)  # 锦江区, male, not a member


@pytest.fixture
def join_code(db):
    """`join_code(phone)` sends a real join code through accounts.services and returns it as the SMS said it."""
    return support.join_code


@pytest.fixture
def apply(world, join_code):
    """`apply(**overrides)`: a valid application of a new worker living and working in 锦江区.

    Pass `sms_code` to use a code got beforehand (e.g. outside a django_capture_on_commit_callbacks block).
    """

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
