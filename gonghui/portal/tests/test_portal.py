"""The worker portal: sign-in by SMS code and one's own membership, nothing else."""
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import SmsCode
from gonghui.core.testing.personas import OTHER_WORKER_PHONE, WORKER_ID, WORKER_PHONE

pytestmark = pytest.mark.django_db
LOGIN, CODE, ME = "/portal/login/", "/portal/login/code/", "/portal/me/"


def code_in(sms_outbox, phone: str) -> str:
    return re.search(r"\d{6}", [m for m in sms_outbox if m.phone == phone][-1].text).group()


@pytest.fixture
def ask_code(client, django_capture_on_commit_callbacks):
    """POST for a code; the SMS leaves on commit, which a test's transaction never reaches, so run it here."""

    def ask(phone: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(CODE, {"phone": phone}, **extra)

    return ask


@pytest.fixture
def sign_in(client, sms_outbox, ask_code):
    def sign_in(phone: str):
        ask_code(phone)
        return client.post(LOGIN, {"phone": phone, "code": code_in(sms_outbox, phone)})

    return sign_in


def test_home_tells_what_the_union_does_and_offers_sign_in(client, db):
    html = client.get(reverse("portal:home")).content.decode()

    assert "工会" in html and f'href="{reverse("portal:login")}"' in html


def test_asking_for_a_code_sends_one_sms_and_shows_the_number_masked(client, world, sms_outbox, ask_code):
    response = ask_code(WORKER_PHONE)

    html = response.content.decode()
    assert len(sms_outbox) == 1 and sms_outbox[0].phone == WORKER_PHONE
    assert "验证码已发送至 138****0001" in html
    assert re.search(r"\d{6}", sms_outbox[0].text).group() not in html


def test_a_bad_number_gets_a_chinese_error_and_no_sms(client, db, sms_outbox, ask_code):
    html = ask_code("12345").content.decode()

    assert "手机号码应为11位数字" in html
    assert sms_outbox == []


def test_asking_again_within_a_minute_is_refused(client, world, sms_outbox, ask_code):
    ask_code(WORKER_PHONE)

    html = ask_code(WORKER_PHONE).content.decode()

    assert "过于频繁" in html and len(sms_outbox) == 1


def test_htmx_gets_only_the_form_back(client, world, sms_outbox, ask_code):
    response = ask_code(WORKER_PHONE, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<form id="login-form"') and "<html" not in html
    assert 'data-countdown="60"' in html


def test_code_request_needs_a_post(client, db):
    assert client.get(CODE).status_code == 405


def test_worker_signs_in_with_the_code_from_the_sms(client, world, sms_outbox, sign_in):
    response = sign_in(WORKER_PHONE)

    assert response["Location"] == ME
    assert int(client.session["_auth_user_id"]) == world.worker.pk


def test_a_wrong_code_is_refused_in_chinese(client, world, sms_outbox, ask_code):
    ask_code(WORKER_PHONE)
    wrong = "000000" if code_in(sms_outbox, WORKER_PHONE) != "000000" else "111111"

    html = client.post(LOGIN, {"phone": WORKER_PHONE, "code": wrong}).content.decode()

    assert "短信验证码不正确" in html and "_auth_user_id" not in client.session


def test_an_expired_code_is_refused(client, world, sms_outbox, ask_code):
    ask_code(WORKER_PHONE)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    html = client.post(LOGIN, {"phone": WORKER_PHONE, "code": code_in(sms_outbox, WORKER_PHONE)}).content.decode()

    assert "已过期" in html and "_auth_user_id" not in client.session


def test_a_code_is_good_for_one_sign_in_only(client, world, sms_outbox, sign_in):
    sign_in(WORKER_PHONE)
    client.post(reverse("portal:logout"))

    html = client.post(LOGIN, {"phone": WORKER_PHONE, "code": code_in(sms_outbox, WORKER_PHONE)}).content.decode()

    assert "请先获取短信验证码" in html and "_auth_user_id" not in client.session


def test_a_new_number_signs_in_like_any_other(client, db, sms_outbox, sign_in):
    # Nothing on the way in tells whether a number already had an account.
    response = sign_in("13900990099")

    assert response["Location"] == ME


def test_my_membership_needs_sign_in(client, db):
    response = client.get(ME)

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_worker_sees_their_own_membership_only(client, world, sms_outbox, sign_in):
    sign_in(WORKER_PHONE)

    html = client.get(ME).content.decode()

    assert "张伟" in html and "锦江区某科技公司工会" in html
    assert "四川省总工会" in html and "成都市总工会" in html and "锦江区总工会" in html
    assert "2020年6月1日" in html and "在册" in html
    assert "李娜" not in html and "青羊区" not in html


def test_membership_page_masks_the_id_and_phone(client, world, sms_outbox, sign_in):
    sign_in(WORKER_PHONE)

    html = client.get(ME).content.decode()

    assert WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:] in html and "138****0001" in html
    assert WORKER_ID not in html and WORKER_PHONE not in html


def test_the_other_worker_sees_their_membership(client, world, sms_outbox, sign_in):
    sign_in(OTHER_WORKER_PHONE)

    html = client.get(ME).content.decode()

    assert "李娜" in html and "青羊区某医院工会" in html and "张伟" not in html


def test_someone_who_is_not_a_member_is_told_so(client, db, sms_outbox, sign_in):
    sign_in("13900990099")

    assert "您还不是工会会员" in client.get(ME).content.decode()


def test_membership_length_counts_full_years(client, world, sms_outbox, sign_in):
    sign_in(WORKER_PHONE)
    joined = world.worker_member.joined_on
    today = timezone.localdate()
    years = today.year - joined.year - ((today.month, today.day) < (joined.month, joined.day))

    assert client.get(ME).context["years"] == years


def test_sign_out_needs_a_post(client, world, sms_outbox, sign_in):
    sign_in(WORKER_PHONE)

    assert client.get(reverse("portal:logout")).status_code == 405
    client.post(reverse("portal:logout"))

    assert client.get(ME).status_code == 302


def test_five_wrong_codes_lock_that_phone_at_that_address(client, world, ask_code):
    ask_code(WORKER_PHONE)
    for _attempt in range(5):
        client.post(LOGIN, {"phone": WORKER_PHONE, "code": "999999"})

    locked = client.post(LOGIN, {"phone": WORKER_PHONE, "code": "999999"})

    assert locked.status_code == 403 and "暂时锁定" in locked.content.decode()


def test_one_workers_wrong_codes_do_not_lock_others_behind_the_same_address(client, world, sms_outbox,
                                                                              ask_code, sign_in):
    ask_code(WORKER_PHONE)
    for _attempt in range(5):
        client.post(LOGIN, {"phone": WORKER_PHONE, "code": "999999"})

    assert sign_in(OTHER_WORKER_PHONE)["Location"] == ME


def test_the_lock_does_not_keep_phone_numbers_in_clear(client, world, ask_code):
    from axes.models import AccessAttempt

    ask_code(WORKER_PHONE)
    client.post(LOGIN, {"phone": WORKER_PHONE, "code": "999999"})

    assert AccessAttempt.objects.count() == 1
    assert not AccessAttempt.objects.filter(username__contains=WORKER_PHONE).exists()
    assert WORKER_PHONE not in str(AccessAttempt.objects.values_list("post_data", flat=True)[0])
