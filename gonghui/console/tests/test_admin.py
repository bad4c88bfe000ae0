"""Django's admin: system administrators after TOTP, read-only, personal numbers masked."""
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.console.tests.conftest import sign_in, totp_token
from gonghui.core.testing.personas import WORKER_ID, WORKER_PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, sysadmin):
    sign_in(client, "sysadmin")
    client.get(reverse("console:totp-setup"))
    client.post(reverse("console:totp-setup"), {"token": totp_token(TOTPDevice.objects.get(user=sysadmin))})
    return client


def test_member_admin_shows_masked_numbers_only(admin_client, world):
    member = world.worker_member
    pages = [admin_client.get(reverse("admin:members_member_changelist")),
             admin_client.get(reverse("admin:members_member_change", args=[member.pk]))]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200 and "138****0001" in html
        assert WORKER_ID not in html and WORKER_PHONE not in html and member.id_number_hash not in html


def test_admin_cannot_write_domain_rows(admin_client, world):
    assert admin_client.get(reverse("admin:orgs_org_add")).status_code == 403
    response = admin_client.post(reverse("admin:orgs_org_delete", args=[world.county.pk]), {"post": "yes"})

    assert response.status_code == 403
    world.county.refresh_from_db()


def test_audit_events_are_listed(admin_client, world):
    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200


def test_out_of_scope_answers_a_chinese_404(client, world):
    client.force_login(world.county_cadre)

    response = client.get(reverse("console:org-detail", args=[world.sibling_county.pk]))

    assert response.status_code == 404 and "页面不存在" in response.content.decode()
