"""The TOTP enrolment page speaks to every administrator (三员), not to the system administrator alone: the
security and the audit administrator enrol there too (console.decorators.duty_required)."""
import pytest
from django.urls import reverse

from gonghui.accounts.choices import DUTIES
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_create


@pytest.fixture
def province(db):
    return org_create(parent=None, name="四川省总工会", kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE, code="510000",
                      division_code="510000", actor=None)


@pytest.mark.parametrize("kind", sorted(DUTIES))
def test_the_enrolment_page_tells_each_administrator_why_it_asks(client, province, kind):
    user = cadre_create(username=f"admin_{kind}", password="Gonghui-demo-2026", display_name="管理员", actor=None)
    role_grant(user=user, org=province, kind=kind, actor=None)
    client.force_login(user)

    page = client.get(reverse("console:totp-setup")).content.decode()

    assert "管理员账号（系统管理员、安全管理员、审计管理员）登录须使用动态验证码二次验证" in page
    assert "系统管理员须使用" not in page
