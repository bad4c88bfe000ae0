"""The administrators' own pages (三员) fit a 390×844 phone like every cadre page (test_console_phone): the audit
log's filter bar of four fields and a button used to push the page to 539 px."""
import re

import pytest

from gonghui.core.testing.personas import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def administrators(transactional_db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gonghui.accounts.choices import RoleKind
    from gonghui.accounts.services import cadre_create, role_grant
    from gonghui.orgs.choices import OrgKind, OrgLevel
    from gonghui.orgs.services import org_create

    province = org_create(parent=None, name="四川省总工会", kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE,
                          code="510000", division_code="510000", actor=None)
    devices = {}
    for kind in (RoleKind.AUDITADMIN, RoleKind.SECADMIN):
        user = cadre_create(username=kind, password=PASSWORD, display_name="管理员", actor=None)
        role_grant(user=user, org=province, kind=kind, actor=None)
        devices[kind] = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    return devices


@pytest.mark.parametrize("username, home", [("auditadmin", "/console/audit/"), ("secadmin", "/console/accounts/")])
def test_an_administrators_own_page_fits_a_phone(phone, administrators, username, home):
    from gonghui.console.tests.conftest import totp_token

    page = phone.page
    phone.goto("/console/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/totp/verify/"))
    page.locator("input[name=token]").fill(totp_token(administrators[username]))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(re.escape(home) + "$"))

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{home} is {width}px wide on a 390px phone"
