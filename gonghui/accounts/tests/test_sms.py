"""Worker sign-in codes: sent after commit, one a minute, five guesses, five minutes, used once."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from gonghui.accounts.models import SmsCode, User
from gonghui.accounts.services import sms_code_send, sms_code_verify
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import WORKER_PHONE

PHONE = "13912345678"


def _send(phone=PHONE, *, capture) -> str:
    """Send a code, run the after-commit callbacks, and return the code the SMS carried."""
    with capture(execute=True):
        sms_code_send(phone=phone)
    from gonghui.core.sms import LocmemBackend

    return re.search(r"验证码是(\d{6})", LocmemBackend.outbox[-1].text).group(1)


def _age_codes(seconds: int) -> None:
    SmsCode.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def _refusal(phone, code) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        sms_code_verify(phone=phone, code=code)
    return caught.value.message_dict["code"]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_sms_leaves_only_after_the_transaction_commits(db, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sms_code_send(phone=PHONE)

    assert sms_outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.phone for m in sms_outbox] == [PHONE]
    assert re.fullmatch(r"【工会】您的验证码是\d{6}，5分钟内有效。请勿告诉他人。", sms_outbox[0].text)


def test_the_code_and_the_number_are_stored_only_as_keyed_hashes(db, django_capture_on_commit_callbacks):
    code = _send(capture=django_capture_on_commit_callbacks)

    row = SmsCode.objects.get()
    assert code not in row.code_hash and PHONE not in row.phone_hash
    assert len(row.code_hash) == len(row.phone_hash) == 64
    assert abs(row.expires_at - row.created_at - timedelta(minutes=5)) < timedelta(seconds=1)


def test_a_number_gets_one_code_a_minute(db, sms_outbox, django_capture_on_commit_callbacks):
    _send(capture=django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as caught:
        sms_code_send(phone="139 1234 5678")

    assert caught.value.message_dict == {"phone": ["验证码发送过于频繁，请60秒后再试"]}
    assert (SmsCode.objects.count(), len(sms_outbox)) == (1, 1)


def test_another_code_may_be_sent_after_a_minute(db, sms_outbox, django_capture_on_commit_callbacks):
    _send(capture=django_capture_on_commit_callbacks)
    _age_codes(61)

    _send(capture=django_capture_on_commit_callbacks)

    assert (SmsCode.objects.count(), len(sms_outbox)) == (2, 2)


def test_the_limit_is_per_number(db, sms_outbox, django_capture_on_commit_callbacks):
    _send(capture=django_capture_on_commit_callbacks)
    _send("13912345679", capture=django_capture_on_commit_callbacks)

    assert len(sms_outbox) == 2


def test_a_malformed_number_gets_no_code(db, sms_outbox):
    with pytest.raises(ValidationError) as caught:
        sms_code_send(phone="12345")

    assert caught.value.message_dict == {"phone": ["手机号码应为11位数字，以1开头"]}
    assert not SmsCode.objects.exists()


def test_the_right_code_is_accepted_once(db, django_capture_on_commit_callbacks):
    code = _send(capture=django_capture_on_commit_callbacks)

    sms_code_verify(phone="+86 139 1234 5678", code=f" {code} ")

    assert SmsCode.objects.get().used_at is not None
    assert _refusal(PHONE, code) == ["请先获取短信验证码"]


def test_a_wrong_code_is_counted(db, django_capture_on_commit_callbacks):
    code = _send(capture=django_capture_on_commit_callbacks)

    assert _refusal(PHONE, _wrong(code)) == ["短信验证码不正确"]

    assert SmsCode.objects.get().attempts == 1
    sms_code_verify(phone=PHONE, code=code)


def test_five_wrong_codes_end_the_code(db, django_capture_on_commit_callbacks):
    code = _send(capture=django_capture_on_commit_callbacks)
    for _guess in range(5):
        assert _refusal(PHONE, _wrong(code)) == ["短信验证码不正确"]

    assert _refusal(PHONE, code) == ["验证码错误次数过多，请重新获取"]
    assert SmsCode.objects.get().used_at is None


def test_an_expired_code_is_refused(db, django_capture_on_commit_callbacks):
    code = _send(capture=django_capture_on_commit_callbacks)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert _refusal(PHONE, code) == ["短信验证码已过期，请重新获取"]


def test_no_code_sent_means_nothing_to_verify(db):
    assert _refusal(PHONE, "123456") == ["请先获取短信验证码"]


def test_a_code_sent_to_another_number_does_not_work(db, django_capture_on_commit_callbacks):
    code = _send(capture=django_capture_on_commit_callbacks)

    assert _refusal("13912345679", code) == ["请先获取短信验证码"]


def test_an_older_code_is_void_once_a_newer_one_was_sent(db, django_capture_on_commit_callbacks):
    old = _send(capture=django_capture_on_commit_callbacks)
    _age_codes(61)
    new = _send(capture=django_capture_on_commit_callbacks)
    sms_code_verify(phone=PHONE, code=new)

    if old != new:
        assert _refusal(PHONE, old) == ["请先获取短信验证码"]
    assert SmsCode.objects.filter(used_at__isnull=False).count() == 1


# --- signing in with the code ----------------------------------------------------------------------


def _sign_in(phone, code, ip="198.51.100.1"):
    request = RequestFactory().post("/portal/login/", REMOTE_ADDR=ip)
    return authenticate(request, phone=phone, sms_code=code)


def test_the_first_sign_in_creates_a_worker_account_and_later_ones_reuse_it(db, django_capture_on_commit_callbacks):
    # given no account holds the number
    assert not User.objects.exists()

    # when the worker signs in twice
    first = _sign_in(PHONE, _send(capture=django_capture_on_commit_callbacks))
    _age_codes(61)
    second = _sign_in(PHONE, _send(capture=django_capture_on_commit_callbacks))

    # then one account exists, made once, without a usable password
    assert first is not None and first == second
    assert User.objects.count() == 1
    assert (first.phone, first.has_usable_password(), first.is_active) == (PHONE, False, True)
    assert AuditEvent.objects.filter(action="user.worker_signup").count() == 1


def test_the_personas_worker_signs_in_to_their_existing_account(world, django_capture_on_commit_callbacks):
    user = _sign_in(WORKER_PHONE, _send(WORKER_PHONE, capture=django_capture_on_commit_callbacks))

    assert user == world.worker


def test_a_wrong_code_signs_nobody_in_and_creates_no_account(db, django_capture_on_commit_callbacks):
    code = _send(capture=django_capture_on_commit_callbacks)

    assert _sign_in(PHONE, _wrong(code)) is None
    assert not User.objects.exists()


def test_a_disabled_worker_cannot_sign_in(world, django_capture_on_commit_callbacks):
    User.objects.filter(pk=world.worker.pk).update(is_active=False)

    assert _sign_in(WORKER_PHONE, _send(WORKER_PHONE, capture=django_capture_on_commit_callbacks)) is None


def test_a_password_sign_in_never_reaches_the_phone_backend(world):
    request = RequestFactory().post("/console/login/", REMOTE_ADDR="198.51.100.1")

    assert authenticate(request, username="county_cadre", password="wrong-password") is None
    assert not SmsCode.objects.exists()


def test_an_account_holding_a_role_never_signs_in_by_sms_code(world, django_capture_on_commit_callbacks):
    # given a cadre account that carries a phone number
    cadre = User.objects.get(pk=world.county_cadre.pk)
    cadre.set_phone(PHONE)
    cadre.save()

    # when someone proves that phone with a code
    user = _sign_in(PHONE, _send(capture=django_capture_on_commit_callbacks))

    # then the cadre account is not signed in: the code is no substitute for the cadre's password
    assert user is None
