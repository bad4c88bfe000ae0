"""The cadre console at 1366×768: sign-in, an org with its tree, a member search."""
import re

import pytest

from gonghui.core.testing.personas import PASSWORD, WORKER_ID, WORKER_PHONE

pytestmark = pytest.mark.browser


def sign_in(desktop, username: str):
    desktop.goto("/console/login/")
    desktop.page.get_by_label("用户名").fill(username)
    desktop.page.get_by_label("密码").fill(PASSWORD)
    desktop.page.get_by_role("button", name="登录").click()
    desktop.page.wait_for_load_state("networkidle")


def test_sign_in_page_renders_and_signs_a_cadre_in(desktop, town):
    desktop.goto("/console/login/")
    assert desktop.page.locator("html").get_attribute("lang") == "zh-hans"
    desktop.screenshot("console-login")

    sign_in(desktop, "county_cadre")

    assert desktop.page.url.endswith(f"/console/orgs/{town.county.pk}/")
    assert desktop.page.get_by_role("heading", name="锦江区总工会").is_visible()


def test_wrong_password_shows_one_generic_message(desktop, town):
    desktop.goto("/console/login/")
    desktop.page.get_by_label("用户名").fill("county_cadre")
    desktop.page.get_by_label("密码").fill("wrong-password")
    desktop.page.get_by_role("button", name="登录").click()

    assert desktop.page.get_by_role("alert").inner_text().strip() == "用户名或密码不正确"


def test_org_detail_shows_breadcrumbs_and_opens_the_tree_lazily(desktop, town):
    sign_in(desktop, "province_cadre")
    desktop.goto(f"/console/orgs/{town.city.pk}/")
    crumbs = desktop.page.locator("nav.crumbs")
    assert "四川省总工会" in crumbs.inner_text()

    county_node = desktop.page.locator("details", has=desktop.page.locator("summary a", has_text="锦江区总工会"))
    with desktop.page.expect_response(re.compile(rf"/console/orgs/{town.county.pk}/children/")):
        county_node.locator("summary .twisty").click()
    desktop.page.get_by_role("link", name="锦江区第一人民医院工会").wait_for()

    assert county_node.get_attribute("open") is not None
    desktop.screenshot("console-org-detail")


def test_member_list_searches_live_by_pinyin_initials_and_shows_masked_numbers(desktop, town):
    sign_in(desktop, "county_cadre")
    desktop.goto("/console/members/")
    desktop.screenshot("console-member-list")

    with desktop.page.expect_response(re.compile(r"/console/members/\?q=zw")):
        desktop.page.get_by_placeholder("姓名 / 拼音首字母 / 身份证号").fill("zw")
    desktop.page.wait_for_url(re.compile(r"q=zw"))
    rows = desktop.page.locator("#member-results tbody tr")
    assert rows.count() == 1
    assert "张伟" in rows.first.inner_text()

    html = desktop.page.content()
    assert WORKER_ID not in html and WORKER_PHONE not in html
    assert WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:] in html
    desktop.screenshot("console-member-search")


def test_member_detail_shows_masked_numbers_only(desktop, town):
    sign_in(desktop, "county_cadre")
    desktop.goto(f"/console/members/{town.worker_member.pk}/")

    html = desktop.page.content()
    assert WORKER_ID not in html and WORKER_PHONE not in html
    assert "138****0001" in html
    desktop.screenshot("console-member-detail")


def test_org_tree_lists_the_cadres_top_orgs(desktop, town):
    sign_in(desktop, "city_cadre")
    desktop.goto("/console/orgs/")

    assert desktop.page.get_by_role("link", name="成都市总工会").first.is_visible()
    assert desktop.page.get_by_role("link", name="锦江区总工会").is_visible()
    desktop.screenshot("console-org-tree")


def test_system_administrator_is_shown_the_authenticator_qr_code(desktop, town):
    from gonghui.accounts.choices import RoleKind
    from gonghui.accounts.services import cadre_create, role_grant

    admin = cadre_create(username="sysadmin", password=PASSWORD, display_name="系统管理员", actor=None)
    role_grant(user=admin, org=town.province, kind=RoleKind.SYSADMIN, actor=None)

    sign_in(desktop, "sysadmin")

    assert "/console/totp/setup/" in desktop.page.url
    assert desktop.page.locator(".qr svg").is_visible()
    desktop.screenshot("console-totp-setup")
