"""Who may call the API: apps with a bearer token, or a signed-in browser session (CSRF-checked)."""
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import ApiToken, User
from gonghui.accounts.services import api_token_create
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org

ME = "/api/v1/me"
UNAUTHENTICATED = "未登录或访问令牌无效，请先登录或提供有效的访问令牌"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_refused(response):
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTHENTICATED}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_valid_token_signs_its_user_in(world, client):
    _token, plaintext = api_token_create(user=world.county_cadre, name="小程序", actor=None)
    response = client.get(ME, **bearer(plaintext))
    assert response.status_code == 200
    assert response.json()["username"] == "county_cadre"


def test_a_request_without_credentials_gets_401_in_chinese(world, client):
    assert_refused(client.get(ME))
    assert_refused(client.get("/api/v1/orgs"))
    assert_refused(client.get(f"/api/v1/members/{world.worker_member.pk}"))


def test_a_revoked_token_is_refused(world, client):
    token, plaintext = api_token_create(user=world.county_cadre, name="小程序", actor=None)
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert_refused(client.get(ME, **bearer(plaintext)))


def test_an_expired_token_is_refused(world, client):
    token, plaintext = api_token_create(user=world.county_cadre, name="小程序", actor=None)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_refused(client.get(ME, **bearer(plaintext)))


def test_a_token_without_expiry_keeps_working(world, client):
    _token, plaintext = api_token_create(user=world.county_cadre, name="小程序", actor=None, days=None)
    assert client.get(ME, **bearer(plaintext)).status_code == 200


def test_a_token_of_a_deactivated_user_is_refused(world, client):
    _token, plaintext = api_token_create(user=world.county_cadre, name="小程序", actor=None)
    User.objects.filter(pk=world.county_cadre.pk).update(is_active=False)
    assert_refused(client.get(ME, **bearer(plaintext)))


@pytest.mark.parametrize("header", ["Bearer gh_not-a-real-token", "Bearer ", "Bearer nonsense", "Token gh_x",
                                    "Basic Y291bnR5X2NhZHJlOkdvbmdodWktdGVzdC0yMDI2"])
def test_an_unknown_or_malformed_authorization_is_refused(world, client, header):
    assert_refused(client.get(ME, HTTP_AUTHORIZATION=header))


def test_the_last_use_of_a_token_is_written_at_most_once_a_minute(world, client):
    token, plaintext = api_token_create(user=world.county_cadre, name="小程序", actor=None)
    client.get(ME, **bearer(plaintext))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(ME, **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(ME, **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_a_signed_in_session_may_read(world, client):
    client.force_login(world.county_cadre)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "county_cadre"


def test_a_session_write_without_the_csrf_token_is_refused_and_changes_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.county_cadre)
    orgs, events = Org.objects.count(), AuditEvent.objects.count()
    response = client.post("/api/v1/orgs", json.dumps(_new_org(world.county)), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert (Org.objects.count(), AuditEvent.objects.count()) == (orgs, events)


def test_a_session_write_with_the_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.county_cadre)
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the console's pages do
    csrf = client.cookies["csrftoken"].value
    response = client.post("/api/v1/orgs", json.dumps(_new_org(world.county)), content_type="application/json",
                           HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content


def test_a_wrong_token_is_not_rescued_by_a_session_cookie(world, client):
    client.force_login(world.county_cadre)
    assert_refused(client.get(ME, **bearer("gh_wrong")))


def test_the_command_prints_a_working_token_once(world, client):
    out, err = StringIO(), StringIO()
    call_command("api_token", "create", "county_cadre", "--name", "区级小程序", stdout=out, stderr=err)
    plaintext = out.getvalue().strip()
    assert plaintext.startswith("gh_")
    assert "只显示这一次" in err.getvalue()
    token = ApiToken.objects.get(user=world.county_cadre, name="区级小程序")
    assert plaintext not in (token.token_hash, token.prefix)
    assert client.get(ME, **bearer(plaintext)).json()["username"] == "county_cadre"


def test_the_command_refuses_an_unknown_user(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("api_token", "create", "nobody", "--name", "x", stdout=StringIO(), stderr=StringIO())


def _new_org(parent) -> dict:
    return {"parent": parent.pk, "name": "锦江区某新建企业工会", "kind": "grassroots", "level": "grassroots",
            "code": "510104G9"}


def test_an_administrators_session_never_reaches_the_business_api(world, client):
    # 三员 (gonghui.accounts.duties): a system administrator reads no member, before TOTP or after.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gonghui.accounts.services import role_grant

    admin = User.objects.get(pk=world.stranger.pk)
    role_grant(user=admin, org=world.province, kind="sysadmin", actor=None)
    client.force_login(admin)
    response = client.get(ME)
    assert response.status_code == 403
    assert "管理员账号不能调用业务接口" in response.json()["detail"]
    device = TOTPDevice.objects.create(user=admin, name="身份验证器", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get(ME).status_code == 403
