"""A county cadre on a 390×844 phone changes a member's record and membership from the member's console page."""
import re

from playwright.sync_api import expect

from gonghui.core.testing.personas import PASSWORD
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member, MemberCard


def _sign_in(watched, next_path: str):
    page = watched.page
    watched.goto(f"/console/login/?next={next_path}")
    page.get_by_label("用户名").fill("county_cadre")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(next_path) + "$"))


def test_a_cadre_edits_a_member_and_records_a_retirement_on_a_phone(phone, town):
    member = town.worker_member
    page = phone.page
    _sign_in(phone, f"/console/members/{member.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_text("编辑会员信息").click()
    page.get_by_label("学历").select_option(label="大学本科")
    page.get_by_label("工作单位").fill("锦江区某科技公司")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("会员信息已保存。")).to_be_visible()

    page.get_by_text("办理会籍变化").click()
    page.get_by_label("会籍变化类型").select_option(label="保留会籍")
    page.get_by_label("会籍变化原因").select_option(label="2 下岗待岗")
    page.get_by_label("会籍变化日期").fill(page.get_by_label("会籍变化日期").get_attribute("max"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot("console-member-change-phone")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="办理", exact=True).click()

    expect(page.get_by_text("会籍状态现为“保留会籍”")).to_be_visible()
    expect(page.locator("#membership-history tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    member.refresh_from_db()
    assert (member.status, member.education, member.work_unit) == (MemberStatus.RETAINED, "20", "锦江区某科技公司")
    # Retained members keep a valid card.
    assert MemberCard.objects.filter(member=member, revoked_at__isnull=True).exists()
    assert Member.objects.get(pk=member.pk).card_number
