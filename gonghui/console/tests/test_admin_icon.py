"""Django's admin pages carry the platform's icon, so no browser asks for /favicon.ico (a 404 on every admin page
before, seen in the browser's console when the demo's system administrator signed in)."""
import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_create


@pytest.mark.django_db
def test_an_admin_page_names_the_platform_icon_and_favicon_ico_is_not_needed(client):
    province = org_create(parent=None, name="四川省总工会", kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE,
                          code="510000", division_code="510000", actor=None)
    user = cadre_create(username="sysadmin", password="Gonghui-demo-2026", display_name="系统管理员", actor=None)
    role_grant(user=user, org=province, kind=RoleKind.SYSADMIN, actor=None)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, name="手机", confirmed=True).persistent_id
    session.save()

    for url in (reverse("admin:index"), reverse("admin:orgs_org_changelist")):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert '<link rel="icon" href="/static/img/favicon.svg"' in html, url
        assert "工会工作平台 · 系统管理" in html  # the site header still shows
