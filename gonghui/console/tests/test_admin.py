"""Django's admin: system administrators after TOTP, read-only, non-personal models only."""
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.console.tests.conftest import sign_in, totp_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, sysadmin):
    sign_in(client, "sysadmin")
    client.get(reverse("console:totp-setup"))
    client.post(reverse("console:totp-setup"), {"token": totp_token(TOTPDevice.objects.get(user=sysadmin))})
    return client


def test_the_system_administrator_reads_no_member_account_or_audit_event(admin_client, world):
    # 三员 (gonghui.accounts.duties): personal records and the audit log belong to other duties.
    for name, args in [("members_member_changelist", []), ("members_member_change", [world.worker_member.pk]),
                       ("accounts_user_changelist", []), ("core_auditevent_changelist", [])]:
        page = admin_client.get(reverse(f"admin:{name}", args=args))
        assert page.status_code == 403, name
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "orgs/org/" in html and "members/member/" not in html and "core/auditevent/" not in html
    assert admin_client.get(reverse("admin:orgs_org_changelist")).status_code == 200


def test_admin_cannot_write_domain_rows(admin_client, world):
    assert admin_client.get(reverse("admin:orgs_org_add")).status_code == 403
    response = admin_client.post(reverse("admin:orgs_org_delete", args=[world.county.pk]), {"post": "yes"})

    assert response.status_code == 403
    world.county.refresh_from_db()


def test_out_of_scope_answers_a_chinese_404(client, world):
    client.force_login(world.county_cadre)

    response = client.get(reverse("console:org-detail", args=[world.sibling_county.pk]))

    assert response.status_code == 404 and "页面不存在" in response.content.decode()
