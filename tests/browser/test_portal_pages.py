"""The worker portal at 390×844: home, sign-in by SMS code, one's own membership."""
import re

import pytest

from playwright.sync_api import expect

from gonghui.core.sms import LocmemBackend
from gonghui.core.testing.personas import WORKER_ID, WORKER_PHONE

pytestmark = pytest.mark.browser


def _code_sent_to(phone: str) -> str:
    message = [sms for sms in LocmemBackend.outbox if sms.phone == phone][-1]
    return re.search(r"\d{6}", message.text).group()


def sign_in(phone_page, number: str):
    page = phone_page.page
    phone_page.goto("/portal/login/")
    page.get_by_label("手机号码").fill(number)
    with page.expect_response(re.compile(r"/portal/login/code/")):
        page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.get_by_label("短信验证码").fill(_code_sent_to(number))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/portal/me/"))


def test_home_page_renders_on_a_phone(phone, town):
    phone.goto("/portal/")
    assert phone.page.get_by_role("button", name="手机号登录").is_visible()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot("portal-home")


def test_sign_in_page_sends_a_code_and_counts_down(phone, town):
    phone.goto("/portal/login/")
    phone.screenshot("portal-login")
    phone.page.get_by_label("手机号码").fill(WORKER_PHONE)
    phone.page.get_by_role("button", name="获取验证码").click()
    phone.page.get_by_text("验证码已发送至 138****0001").wait_for()

    resend = phone.page.locator("button[formaction]")
    expect(resend).to_be_disabled()
    expect(resend).to_contain_text("秒后重发")
    phone.screenshot("portal-login-code-sent")


def test_worker_signs_in_by_sms_and_sees_their_membership(phone, town):
    sign_in(phone, WORKER_PHONE)

    text = phone.page.inner_text("main")
    assert "张伟" in text and "锦江区某科技公司工会" in text and "四川省总工会" in text
    assert "李娜" not in text
    html = phone.page.content()
    assert WORKER_ID not in html and WORKER_PHONE not in html
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot("portal-me")


def test_a_phone_without_membership_is_told_so(phone, town):
    sign_in(phone, "13900990099")

    assert phone.page.get_by_role("heading", name="您还不是工会会员").is_visible()
    phone.screenshot("portal-me-not-member")
