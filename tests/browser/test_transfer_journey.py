"""A transfer end to end in a real browser: the worker asks on a phone, the receiving county accepts on a desktop."""
import pytest

from gonghui.core.testing.personas import WORKER_ID, WORKER_PHONE
from tests.browser.test_console_pages import sign_in as console_sign_in
from tests.browser.test_portal_pages import sign_in as portal_sign_in

pytestmark = pytest.mark.browser


def test_a_worker_asks_on_a_phone_and_the_receiving_county_accepts_on_a_desktop(phone, desktop, town):
    portal_sign_in(phone, WORKER_PHONE)
    phone.goto("/portal/me/")
    phone.page.get_by_role("link", name="换了工作单位？办理转会").click()
    phone.page.get_by_label("新单位的工会").fill("医院")
    phone.page.get_by_role("button", name="查找工会").click()
    phone.page.get_by_text("成都市总工会 · 青羊区总工会").wait_for()
    phone.page.get_by_role("radio", name="青羊区某医院工会").check()
    phone.page.get_by_label("转会原因（选填）").fill("到新单位工作")
    phone.screenshot("portal-transfer")
    phone.page.get_by_role("button", name="提交转会申请").click()

    phone.page.get_by_role("heading", name="正在办理的转会").wait_for()
    assert "待接收" in phone.page.inner_text("main")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot("portal-transfer-waiting")

    console_sign_in(desktop, "other_county_cadre")
    desktop.goto("/console/transfers/")
    assert "转入待处理" in desktop.page.inner_text("nav.tabs")
    desktop.screenshot("console-transfer-list")
    desktop.page.get_by_role("link", name="张伟").click()
    desktop.page.get_by_role("heading", name="接收或拒绝").wait_for()
    html = desktop.page.content()
    assert WORKER_ID not in html and WORKER_PHONE not in html
    desktop.screenshot("console-transfer-detail")
    desktop.page.get_by_role("button", name="接收", exact=True).click()

    desktop.page.get_by_text("已接收：张伟 已转入青羊区某医院工会").wait_for()
    phone.goto("/portal/me/")
    assert "青羊区某医院工会" in phone.page.inner_text("main")
    # Let both pages finish loading (the favicon too) before their contexts close.
    for watched in (phone, desktop):
        watched.page.wait_for_load_state("networkidle")
