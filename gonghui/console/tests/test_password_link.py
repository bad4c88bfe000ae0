"""A cadre finds 修改密码 on every console page: before, the page was reached only when the dengbao profile's
90 days had run out (accounts.middleware.PasswordExpiryMiddleware), and a cadre who wanted to change a password
the union had handed over had no way to it."""
import pytest
from django.urls import reverse

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_create


@pytest.mark.django_db
def test_every_console_page_links_to_the_password_change_page(client):
    county = org_create(parent=None, name="锦江区总工会", kind=OrgKind.FEDERATION, level=OrgLevel.COUNTY, code="510104",
                        division_code="510104", actor=None)
    user = cadre_create(username="county_cadre", password="Gonghui-demo-2026", display_name="县总工会干部", actor=None)
    role_grant(user=user, org=county, kind=RoleKind.STAFF, actor=None)
    client.force_login(user)
    link = f'href="{reverse("console:password-change")}">修改密码</a>'

    for url in (reverse("console:member-list"), reverse("console:join-queue"),
                reverse("console:org-detail", args=[county.pk])):
        page = client.get(url)
        assert page.status_code == 200, url
        assert link in page.content.decode(), url

    page = client.get(reverse("console:password-change"))
    assert page.status_code == 200
    assert f'<a href="{reverse("console:home")}">不修改，返回工作台</a>' in page.content.decode()  # and a way back
