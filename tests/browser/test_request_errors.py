"""An htmx request the server refuses still says why on the page: htmx swaps no error answer, so without
static/js/gonghui.js a worker asking for a sign-in code past the rate limit (429) saw nothing happen at all."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE_NUMBER = "13900990077"


def test_a_rate_limited_code_request_shows_the_wait_on_the_phone(phone, transactional_db, settings):
    settings.GONGHUI_RATE_LIMITS = {**settings.GONGHUI_RATE_LIMITS, "sms_phone": "1/h"}
    page = phone.page
    phone.goto("/portal/login/")
    page.get_by_label("手机号码").fill(PHONE_NUMBER)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()

    # the worker reloads (the button counts down otherwise) and asks again: the limit answers 429
    phone.goto("/portal/login/")
    page.get_by_label("手机号码").fill(PHONE_NUMBER)
    with page.expect_response(re.compile(r"/portal/login/code/")) as answer:
        page.get_by_role("button", name="获取验证码").click()
    assert answer.value.status == 429

    notice = page.locator("[data-request-error]")
    expect(notice).to_have_text(re.compile(r"^操作过于频繁，请\d+秒后再试$"))
    expect(notice).to_have_attribute("role", "alert")
    expect(page.locator("#login-form")).to_be_visible()  # the form stays to be used later
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The browser reports the refused request itself (the resource and htmx's own line); that is the point here.
    phone.errors[:] = [e for e in phone.errors if "429" not in e]
