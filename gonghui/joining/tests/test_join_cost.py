"""What the join's cheaper path must keep (docs/architecture.md, "Request cost"): the privacy notice a process
read up to a minute ago, and the SMS code used by one UPDATE."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.accounts import selectors
from gonghui.accounts.models import Consent, PrivacyNotice, SmsCode
from gonghui.accounts.services import phone_index, sms_code_verify
from gonghui.joining.tests import support


def _apply(apply, version: str):
    phone, id_number = support.fresh_person()
    return apply(phone=phone, id_number=id_number, consent_version=version)


def _refusal(apply, version: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        _apply(apply, version)
    return refused.value.message_dict["consent_version"]


def test_a_new_notice_is_agreed_to_at_once_and_the_old_one_only_within_the_minute(world, apply):
    _apply(apply, "1")  # this process has read version 1
    PrivacyNotice.objects.create(purpose="join", version="2", text="第二版告知")

    # Read a moment ago, version 1 is still taken (the decision), and the consent is to version 1 ...
    stale = _apply(apply, "1")
    assert Consent.objects.get(pk=stale.consent_id).notice.version == "1"
    # ... but whoever read version 2 is never refused: a differing version is checked against the database.
    fresh = _apply(apply, "2")
    assert Consent.objects.get(pk=fresh.consent_id).notice.version == "2"
    assert _refusal(apply, "1") == ["个人信息处理告知已更新（第2版），请阅读后重新同意"]


def test_a_reading_older_than_the_minute_is_read_again(world, apply):
    _apply(apply, "1")
    PrivacyNotice.objects.create(purpose="join", version="2", text="第二版告知")
    when, row = selectors._NOTICE_READ["join"]
    selectors._NOTICE_READ["join"] = (when - selectors.NOTICE_MAX_AGE - 1, row)

    assert _refusal(apply, "1") == ["个人信息处理告知已更新（第2版），请阅读后重新同意"]
    codes = SmsCode.objects.filter(used_at__isnull=True, purpose="join")
    assert codes.exists()  # refused before the code was used: the worker keeps it


def test_the_right_code_is_used_by_one_statement_once(world):
    phone = support.fresh_person()[0]
    code = support.join_code(phone)

    with CaptureQueriesContext(connection) as queries:
        sms_code_verify(phone=phone, code=code, purpose="join")
    assert len(queries.captured_queries) == 1 and queries.captured_queries[0]["sql"].startswith("UPDATE")

    assert SmsCode.objects.get(phone_hash=phone_index(phone)).used_at is not None
    with pytest.raises(ValidationError, match="请先获取短信验证码"):
        sms_code_verify(phone=phone, code=code, purpose="join")


def test_an_older_right_code_is_not_used_by_the_one_statement(world):
    phone = support.fresh_person()[0]
    older = support.join_code(phone)
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # past the resend pause
    newer = support.join_code(phone)
    if older == newer:  # one in a million: the two codes are the same six digits
        pytest.skip("the two codes happen to be equal")

    with pytest.raises(ValidationError, match="短信验证码不正确"):
        sms_code_verify(phone=phone, code=older, purpose="join")
    assert not SmsCode.objects.filter(phone_hash=phone_index(phone), used_at__isnull=False).exists()
