"""The whole one-tap join journey in real browsers: a courier applies on a phone (390×844), the county cadre
approves at a desk (1366×768), the courier finds the e-member card, and the card's QR code verifies."""
import re
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from gonghui.core.sms import LocmemBackend
from gonghui.core.testing.personas import PASSWORD

pytestmark = pytest.mark.browser

PHONE = "13900990099"
NAME = "王小明"


def _code_sent_to(phone: str, purpose_text: str = "") -> str:
    message = [sms for sms in LocmemBackend.outbox if sms.phone == phone and purpose_text in sms.text][-1]
    return re.search(r"验证码是(\d{6})", message.text).group(1)


def _person_id() -> str:
    from datetime import date

    from gonghui.core import idnumber

    return idnumber.make("510104", date(1994, 7, 9), 357)


@pytest.fixture
def queue(town):
    """Two other applications waiting in 锦江区, one of them past its promised date, so the queue looks real."""
    from gonghui.console.tests.join_support import application_in
    from gonghui.joining.models import JoinApplication

    older = application_in(town.grassroots, name="陈晨", serial=41)
    application_in(town.county, name="周杰", serial=42, employer_name="锦江区某小餐馆")
    JoinApplication.objects.filter(pk=older.pk).update(due_on=older.due_on - timedelta(days=14))
    return town


def _sign_in_on_the_phone(phone_page):
    """From the home page: 一键入会 asks for sign-in first, and brings the worker back to the form."""
    page = phone_page.page
    phone_page.goto("/portal/")
    page.get_by_role("link", name="一键入会").first.click()
    page.wait_for_url(re.compile(r"/portal/login/\?next=/portal/join/"))
    page.get_by_label("手机号码").fill(PHONE)
    with page.expect_response(re.compile(r"/portal/login/code/")):
        page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.get_by_label("短信验证码").fill(_code_sent_to(PHONE))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/portal/join/$"))


def _apply_as_a_courier(phone_page):
    page = phone_page.page
    form = page.locator("#join-form")
    expect(form.get_by_label("手机号码")).to_have_value("139****0099")
    form.get_by_label("姓名").fill(NAME)
    form.get_by_label("身份证号").fill(_person_id().lower())
    with page.expect_response(re.compile(r"/portal/join/code/")):
        form.get_by_role("button", name="获取验证码").click()
    form.get_by_text("验证码已发送至 139****0099").wait_for()
    form.get_by_label("短信验证码").fill(_code_sent_to(PHONE, "验证码是"))

    form.get_by_text("我是新就业形态劳动者").click()
    expect(form.get_by_label("工作单位")).to_be_hidden()
    form.get_by_label("从事的工作").select_option(label="快递员")
    form.get_by_label("平台企业").fill("某快递公司")
    form.get_by_label("省份").select_option(label="四川省")
    expect(form.get_by_label("城市").locator("option", has_text="成都市")).to_have_count(1)
    form.get_by_label("城市").select_option(label="成都市")
    expect(form.get_by_label("区（县）").locator("option", has_text="锦江区")).to_have_count(1)
    form.get_by_label("区（县）").select_option(label="锦江区")

    form.locator("details.privacy summary").click()
    expect(form.get_by_text("入会申请个人信息处理告知")).to_be_visible()
    form.locator("details.privacy summary").click()
    consent = form.get_by_label("我已阅读并同意《个人信息处理规则》")
    expect(consent).not_to_be_checked()
    consent.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The whole form in one picture (a phone screen shows a third of it): a screen as tall as the page, so
    # the fixed bottom bar stays at the bottom, then the phone's own screen again.
    page.evaluate("document.activeElement.blur()")
    page.wait_for_timeout(400)  # Pico's checkbox colour fades in
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 390, "height": height})
    phone_page.screenshot("portal-join")
    page.set_viewport_size({"width": 390, "height": 844})

    form.get_by_role("button", name="同意并提交").click()
    page.wait_for_url(re.compile(r"/portal/join/status/$"))


def _approve_at_the_console(desktop, queue_world):
    page = desktop.page
    desktop.goto("/console/login/?next=/console/join/")
    page.get_by_label("用户名").fill("county_cadre")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/join/$"))

    rows = page.locator("table.join-queue tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == ["陈晨", "周杰", NAME]
    assert "overdue" in (rows.nth(0).get_attribute("class") or "")
    mine = rows.nth(2)
    assert "锦江区快递行业工会联合会" in mine.inner_text() and "快递员" in mine.inner_text()
    assert "5101**********" in mine.inner_text() and "139****0099" in mine.inner_text()
    expect(page.locator(".sidenav .nav-count")).to_have_text("3")
    html = page.content()
    assert _person_id() not in html and PHONE not in html
    desktop.screenshot("console-join-queue")

    mine.get_by_role("link", name=NAME).click()
    page.wait_for_url(re.compile(r"/console/join/\d+/$"))
    desktop.screenshot("console-join-detail")
    page.get_by_role("button", name="批准", exact=True).click()
    expect(page.get_by_text(f"已批准：{NAME} 已登记为锦江区快递行业工会联合会会员")).to_be_visible()
    expect(page.locator(".sidenav .nav-count")).to_have_text("2")


def _token_on_the_card_page(page, member, opened_between: tuple[float, float]) -> str:
    """The token the page's QR code carries. Ed25519 signatures are deterministic, so the card page's token is
    the one card_token signs for the second the page was made: re-sign each second of the visit and keep the
    one whose QR code draws exactly the page's modules."""
    from gonghui.members.card import card_token
    from gonghui.portal.card_views import qr_svg

    drawn = page.locator("svg.qr path").get_attribute("d")
    start, end = opened_between
    for second in range(int(start) - 1, int(end) + 2):
        token = card_token(member=member, now=datetime.fromtimestamp(second).astimezone())
        if re.search(r'<path fill="#000" d="([^"]+)"', qr_svg(token)).group(1) == drawn:
            return token
    raise AssertionError("the QR code on the card page is no token signed for this member during the visit")


def test_a_courier_joins_on_a_phone_and_the_county_cadre_approves(phone, desktop, queue):
    from gonghui.joining.models import JoinApplication
    from gonghui.members.card import card_verify

    _sign_in_on_the_phone(phone)
    _apply_as_a_courier(phone)

    application = JoinApplication.objects.get(name=NAME)
    due = application.due_on
    page = phone.page
    status = page.locator("main")
    expect(status).to_contain_text("锦江区快递行业工会联合会")
    expect(status).to_contain_text("待审批")
    expect(status).to_contain_text(f"将于 {due.year}年{due.month}月{due.day}日 前办结")
    assert _person_id() not in page.content()
    phone.screenshot("portal-join-status")

    _approve_at_the_console(desktop, queue)

    page.reload()
    expect(status).to_contain_text("已批准")
    expect(status).to_contain_text("欢迎加入工会")
    started = time.time()
    page.get_by_role("button", name="我的会员卡").click()
    page.wait_for_url(re.compile(r"/portal/card/$"))
    opened = (started, time.time())
    expect(page.locator(".e-card")).to_contain_text("锦江区快递行业工会联合会")
    expect(page.locator("svg.qr")).to_be_visible()
    application.refresh_from_db()
    member = application.member
    expect(page.locator(".e-card")).to_contain_text(member.card_number)
    phone.screenshot("portal-card-after-join")

    token = _token_on_the_card_page(page, member, opened)
    check = card_verify(token)
    assert check.valid and check.payload["n"] == member.card_number and check.payload["nm"] == "王**"
    answer = page.request.post(phone.url("/api/v1/cards/verify"), data={"token": token})
    assert answer.ok and answer.json()["valid"] is True
    assert answer.json()["card"]["union"] == "锦江区快递行业工会联合会"


def test_the_employer_is_found_as_the_worker_types_and_a_pick_fills_the_box(phone, town):
    _sign_in_on_the_phone(phone)
    page = phone.page
    form = page.locator("#join-form")
    expect(form.get_by_label("从事的工作")).to_be_hidden()

    with page.expect_response(re.compile(r"/portal/join/employers/\?employer_name=")):
        form.get_by_label("工作单位").press_sequentially("科技", delay=50)
    choice = form.locator("label.employer", has_text="锦江区某科技公司")
    expect(choice).to_contain_text("锦江区某科技公司工会 · 锦江区总工会")
    choice.click()

    expect(form.get_by_label("工作单位")).to_have_value("锦江区某科技公司")
    expect(choice.locator("input")).to_be_checked()
    form.get_by_label("工作单位").press("End")
    form.get_by_label("工作单位").press_sequentially("X")
    # Typing on drops the pick at once, before the new search answers.
    expect(form.locator("input[name=employer_org]:checked")).to_have_count(0)
