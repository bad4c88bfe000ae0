"""Signing in to the console: passwords with django-axes, workers kept out, TOTP for system administrators."""
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.console.tests.conftest import sign_in, totp_token
from gonghui.core.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_cadre_signs_in_and_lands_on_their_top_org(client, world):
    response = sign_in(client, "county_cadre")

    assert response.status_code == 302
    assert client.get(response["Location"]).url == reverse("console:org-detail", args=[world.county.pk])


def test_sign_in_page_is_in_chinese_and_has_no_inline_script(client):
    response = client.get(reverse("console:login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html and "干部登录" in html
    assert "<script>" not in html and " onclick=" not in html


def test_wrong_password_gets_one_generic_message(client, world):
    response = sign_in(client, "county_cadre", "not-the-password")

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _alert(html: str) -> str:
    return html.split('role="alert">', 1)[1].split("</div>", 1)[0]


def test_unknown_username_gets_the_same_answer_as_a_wrong_password(client, world):
    known = sign_in(client, "county_cadre", "not-the-password")
    unknown = sign_in(client, "nobody-by-this-name", "not-the-password")

    assert known.status_code == unknown.status_code == 200
    assert _alert(known.content.decode()) == _alert(unknown.content.decode()) == "用户名或密码不正确"


def test_five_failures_lock_the_username_at_that_address(client, world):
    for _attempt in range(5):
        sign_in(client, "county_cadre", "not-the-password")

    locked = sign_in(client, "county_cadre")

    assert locked.status_code == 403
    assert "暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_only_for_that_address(client, world):
    for _attempt in range(5):
        sign_in(client, "county_cadre", "not-the-password")

    elsewhere = sign_in(client, "county_cadre", REMOTE_ADDR="10.1.2.3")

    assert elsewhere.status_code == 302


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("console:member-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login") + "?next=")


def test_signed_in_worker_gets_a_chinese_403(client, world):
    client.force_login(world.worker)

    response = client.get(reverse("console:org-tree"))

    assert response.status_code == 403
    assert "没有工会干部角色" in response.content.decode()


def test_account_without_a_role_gets_403(client, world):
    sign_in(client, "stranger")

    assert client.get(reverse("console:home")).status_code == 403


def test_sign_in_follows_next_inside_the_site_only(client, world):
    inside = client.post(reverse("console:login"), {"username": "county_cadre", "password": PASSWORD,
                                                    "next": "/console/members/"})
    client.post(reverse("console:logout"))
    outside = client.post(reverse("console:login"), {"username": "county_cadre", "password": PASSWORD,
                                                     "next": "https://evil.example/"})

    assert inside["Location"] == "/console/members/"
    assert outside["Location"] == reverse("console:home")


def test_sign_out_needs_a_post_and_ends_the_session(client, world):
    sign_in(client, "county_cadre")

    assert client.get(reverse("console:logout")).status_code == 405
    response = client.post(reverse("console:logout"))

    assert response["Location"] == reverse("console:login")
    assert client.get(reverse("console:home")).status_code == 302


def test_system_administrator_without_a_device_is_sent_to_totp_setup(client, sysadmin):
    response = sign_in(client, "sysadmin")

    assert response["Location"].startswith(reverse("console:totp-setup"))
    assert client.get(reverse("console:org-tree")).status_code == 403  # 三员: no business page, ever
    assert client.get("/admin/").status_code == 302


def test_totp_setup_draws_the_qr_code_on_the_server(client, sysadmin):
    sign_in(client, "sysadmin")

    html = client.get(reverse("console:totp-setup")).content.decode()

    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", "")
    assert TOTPDevice.objects.filter(user=sysadmin, confirmed=False).count() == 1


def test_wrong_code_does_not_bind_the_authenticator(client, sysadmin):
    sign_in(client, "sysadmin")
    client.get(reverse("console:totp-setup"))

    response = client.post(reverse("console:totp-setup"), {"token": "000000"})

    assert "动态验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=sysadmin, confirmed=True).exists()


def test_system_administrator_binds_an_authenticator_and_then_reaches_the_admin(client, sysadmin):
    sign_in(client, "sysadmin")
    client.get(reverse("console:totp-setup"))
    device = TOTPDevice.objects.get(user=sysadmin)

    response = client.post(reverse("console:totp-setup") + "?next=/admin/", {"token": totp_token(device)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("console:org-tree")).status_code == 403  # 三员: the admin only, no members


def test_each_sign_in_of_a_system_administrator_asks_for_a_code(client, sysadmin):
    sign_in(client, "sysadmin")
    client.get(reverse("console:totp-setup"))
    device = TOTPDevice.objects.get(user=sysadmin)
    client.post(reverse("console:totp-setup"), {"token": totp_token(device)})
    client.post(reverse("console:logout"))

    response = sign_in(client, "sysadmin")
    assert response["Location"].startswith(reverse("console:totp-verify"))
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("console:totp-setup"))["Location"].startswith(reverse("console:totp-verify"))
    wrong = client.post(reverse("console:totp-verify"), {"token": "000000"})
    assert "动态验证码不正确" in wrong.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    right = client.post(reverse("console:totp-verify"), {"token": totp_token(device, steps_ahead=1)})

    assert right["Location"] == reverse("console:home")
    assert client.get("/admin/").status_code == 200


def test_admin_is_closed_to_cadres_who_are_not_system_administrators(client, world):
    sign_in(client, "province_cadre")

    response = client.get("/admin/")

    # Signed in already: told why, not sent to a sign-in that would lead straight back (test_duties covers each duty)
    assert response.status_code == 403 and "系统管理页面只对系统管理员开放" in response.content.decode()


def test_totp_pages_are_for_cadres_only(client, world):
    client.force_login(world.worker)

    assert client.get(reverse("console:totp-setup")).status_code == 403
    assert not TOTPDevice.objects.exists()
