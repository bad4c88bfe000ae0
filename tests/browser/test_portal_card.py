"""The e-member card at 390×844: the card face and a QR code a station's scanner reads."""
import pytest

from gonghui.core.testing.personas import WORKER_ID, WORKER_PHONE
from tests.browser.test_portal_pages import sign_in

pytestmark = pytest.mark.browser


def test_a_member_shows_the_card_and_its_qr_code(phone, town):
    sign_in(phone, WORKER_PHONE)
    phone.page.wait_for_load_state("networkidle")
    phone.page.get_by_role("link", name="会员卡").click()
    phone.page.wait_for_url("**/portal/card/")

    text = phone.page.inner_text("main")
    assert "张*" in text and "锦江区某科技公司工会" in text and town.worker_member.card_number in text
    qr = phone.page.locator("svg.qr")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 200 and box["y"] + box["height"] <= 844 - 60  # above the bottom bar
    html = phone.page.content()
    assert "张伟" not in html and WORKER_ID not in html and WORKER_PHONE not in html
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot("portal-card")


def test_a_worker_without_membership_sees_a_chinese_hint_on_the_card_page(phone, town):
    sign_in(phone, "13900990099")
    phone.page.wait_for_load_state("networkidle")  # let the page after sign-in finish, or its favicon load is aborted
    phone.goto("/portal/card/")

    assert phone.page.get_by_role("heading", name="您还不是工会会员").is_visible()
