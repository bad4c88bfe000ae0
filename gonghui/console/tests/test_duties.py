"""Separation of duties (三员, gonghui.accounts.duties): three administrator duties no account combines, each on
its own pages behind TOTP, none of them reading a member; the audit administrator reads the audit log only."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.models import Role
from gonghui.accounts.services import api_token_create, cadre_create, role_grant
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import PASSWORD, WORKER_ID, WORKER_PHONE, build_world

DUTIES = {"sysadmin": RoleKind.SYSADMIN, "secadmin": RoleKind.SECADMIN, "auditadmin": RoleKind.AUDITADMIN}


@pytest.fixture(scope="module")
def duty_world(django_db_setup, django_db_blocker):
    """The personas' world and one account per duty, each with a confirmed authenticator; rolled back at the end."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                             GONGHUI_SMS_BACKEND="gonghui.core.sms.LocmemBackend")
    with django_db_blocker.unblock(), fast, transaction.atomic():
        world = build_world()
        for username, kind in DUTIES.items():
            user = cadre_create(username=username, password=PASSWORD, display_name=str(kind.label), actor=None)
            role_grant(user=user, org=world.province, kind=kind, actor=None)
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            world.users[username] = user
        yield world
        transaction.set_rollback(True)


def _as(client, user, *, verified: bool = True):
    client.force_login(user)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


# What each page answers each duty: 200 only for the duty it belongs to.
PAGES = {
    "member list": (lambda w: reverse("console:member-list"), ()),
    "member page": (lambda w: reverse("console:member-detail", args=[w.worker_member.pk]), ()),
    "member API": (lambda w: reverse("api:member_get", kwargs={"member_id": w.worker_member.pk}), ()),
    "org tree": (lambda w: reverse("console:org-tree"), ()),
    "audit log": (lambda w: reverse("console:audit-log"), ("auditadmin",)),
    "accounts": (lambda w: reverse("console:accounts"), ("secadmin",)),
    "new account": (lambda w: reverse("console:account-create"), ("secadmin",)),
    "an account": (lambda w: reverse("console:account-detail", args=[w.county_cadre.pk]), ("secadmin",)),
    "admin: orgs": (lambda w: reverse("admin:orgs_org_changelist"), ("sysadmin",)),
    "admin: members": (lambda w: reverse("admin:members_member_changelist"), ()),
    "admin: audit events": (lambda w: reverse("admin:core_auditevent_changelist"), ()),
}


@pytest.mark.parametrize("duty", DUTIES)
def test_each_duty_opens_its_own_pages_and_no_member_or_other_duty(duty, duty_world, db, client):
    _as(client, duty_world.users[duty])
    answers = {}
    for page, (url, allowed) in PAGES.items():
        response = client.get(url(duty_world))
        location = response.get("Location", "")
        answers[page] = 200 if response.status_code == 200 else (
            "refused" if response.status_code in (403, 404) or "/login/" in location else response.status_code)

    assert answers == {page: 200 if duty in allowed else "refused" for page, (url, allowed) in PAGES.items()}


def test_an_administrator_refused_a_business_page_is_told_why_and_where_to_go(duty_world, db, client):
    _as(client, duty_world.users["auditadmin"])

    response = client.get(reverse("console:member-list"))

    html = response.content.decode()
    assert response.status_code == 403 and "三员分立" in html and reverse("console:audit-log") in html


def test_no_business_persona_opens_an_administrators_page(duty_world, db, client):
    for persona in ("province_cadre", "auditor", "worker"):
        _as(client, duty_world.users[persona], verified=False)
        for name in ("console:audit-log", "console:accounts"):
            assert client.get(reverse(name)).status_code == 403, (persona, name)


@pytest.mark.parametrize("duty", DUTIES)
def test_an_administrator_passes_totp_first(duty, duty_world, db, client):
    response = client.post(reverse("console:login"), {"username": duty, "password": PASSWORD})

    assert response.status_code == 302 and reverse("console:totp-verify") in response["Location"]
    home = reverse({"sysadmin": "admin:index", "secadmin": "console:accounts", "auditadmin": "console:audit-log"}[duty])
    assert "next=" + home.replace("/", "%2F") in response["Location"]
    response = client.get(home, follow=True)  # its own page, before the code
    assert response.redirect_chain[-1][0].startswith(reverse("console:totp-verify"))


def test_an_administrators_api_token_opens_nothing(duty_world, db, client):
    token = api_token_create(user=duty_world.auditadmin, name="试", actor=None)[1]

    response = client.get(reverse("api:member_list"), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401


def test_no_account_holds_two_duties_the_service_says_why(duty_world, db):
    for other in (RoleKind.SECADMIN, RoleKind.AUDITADMIN):
        with pytest.raises(ValidationError) as refused:
            role_grant(user=duty_world.sysadmin, org=duty_world.city, kind=other, actor=None)
        assert "不得由同一账号兼任" in str(refused.value)
    assert set(Role.objects.filter(user=duty_world.sysadmin).values_list("kind", flat=True)) == {"sysadmin"}


def test_no_account_holds_two_duties_the_database_refuses_it(duty_world, db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=duty_world.sysadmin, org=duty_world.city, kind=RoleKind.AUDITADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=duty_world.secadmin, org=duty_world.city, kind=RoleKind.SECADMIN)


def test_a_duty_and_a_business_role_are_not_combined(duty_world, db):
    with pytest.raises(ValidationError, match="不能担任业务角色"):
        role_grant(user=duty_world.secadmin, org=duty_world.county, kind=RoleKind.CHAIR, actor=None)
    with pytest.raises(ValidationError, match="不能再担任管理员"):
        role_grant(user=duty_world.county_cadre, org=duty_world.province, kind=RoleKind.AUDITADMIN, actor=None)


def test_only_the_operator_grants_a_duty(duty_world, db):
    stranger = duty_world.stranger
    for actor in (duty_world.province_cadre, duty_world.secadmin, duty_world.sysadmin):
        with pytest.raises(PermissionDenied):
            role_grant(user=stranger, org=duty_world.province, kind=RoleKind.AUDITADMIN, actor=actor)
    with pytest.raises(PermissionDenied):
        from gonghui.accounts.services import role_revoke

        role_revoke(role=Role.objects.get(user=duty_world.auditadmin), actor=duty_world.province_cadre)


def test_the_security_administrator_grants_and_revokes_a_business_role(duty_world, db, client):
    _as(client, duty_world.users["secadmin"])
    stranger = duty_world.stranger
    url = reverse("console:account-role-grant", args=[stranger.pk])

    refused = client.post(url, {"org_code": duty_world.county.code, "kind": RoleKind.SECADMIN})
    granted = client.post(url, {"org_code": duty_world.county.code, "kind": RoleKind.STAFF})

    assert refused.status_code == 422 and "请选择要授予的角色" in refused.content.decode()
    role = Role.objects.get(user=stranger)
    assert granted.status_code == 302 and (role.org, role.kind) == (duty_world.county, RoleKind.STAFF)
    events = AuditEvent.objects.filter(action="role.grant", object_id=str(role.pk), actor=duty_world.secadmin)
    assert events.count() == 1
    revoked = client.post(reverse("console:account-role-revoke", args=[stranger.pk, role.pk]))
    assert revoked.status_code == 302 and not Role.objects.filter(user=stranger).exists()


def test_the_accounts_page_lists_cadres_and_administrators_never_a_workers_phone(duty_world, db, client):
    _as(client, duty_world.users["secadmin"])

    html = client.get(reverse("console:accounts")).content.decode()

    assert "county_cadre" in html and "auditadmin" in html
    assert duty_world.worker.username not in html and "138****0001" not in html
    assert client.get(reverse("console:account-detail", args=[duty_world.worker.pk])).status_code == 404


def test_the_audit_log_filters_by_action_actor_and_date_and_shows_masked_values_only(duty_world, db, client):
    _as(client, duty_world.users["auditadmin"])
    url = reverse("console:audit-log")

    signups = client.get(url, {"action": "user.worker_signup"}).content.decode()
    grants = client.get(url, {"action": "role.grant", "who": "system"}).content.decode()
    future = client.get(url, {"from": "2999-01-01"}).content.decode()

    assert "138****0001" in signups and WORKER_PHONE not in signups and "role.grant" not in signups
    assert "role.grant" in grants and "user.create" not in grants
    assert "没有符合条件的审计事件" in future
    assert WORKER_ID not in client.get(url).content.decode()


def test_the_audit_log_pages(duty_world, db, client, monkeypatch):
    from gonghui.console.views import duties

    monkeypatch.setattr(duties, "AUDIT_PER_PAGE", 5)
    _as(client, duty_world.users["auditadmin"])
    url = reverse("console:audit-log")

    first, second = client.get(url), client.get(url, {"page": 2})

    assert "下一页</a>" in first.content.decode()
    assert second.status_code == 200 and "上一页</a>" in second.content.decode()
    assert first.content.decode().count("<tr>") == second.content.decode().count("<tr>") == 5 + 1


def test_the_security_administrator_disables_an_account(duty_world, db, client):
    from gonghui.accounts.models import User

    cadre = duty_world.city_cadre
    other = type(client)()
    other.force_login(cadre)
    assert other.get(reverse("console:org-tree")).status_code == 200
    _as(client, duty_world.users["secadmin"])

    response = client.post(reverse("console:account-disable", args=[cadre.pk]), {"reason": "离职"})

    assert response.status_code == 302 and not User.objects.get(pk=cadre.pk).is_active
    event = AuditEvent.objects.get(action="user.disable", object_id=str(cadre.pk))
    assert (event.actor, event.after["reason"]) == (duty_world.secadmin, "离职")
    assert other.get(reverse("console:org-tree")).status_code == 302  # the cadre's open session has ended


# --- the console's home for an administrator (三员) -------------------------------------------------------------


@pytest.mark.parametrize("duty", DUTIES)
def test_an_administrator_opening_the_console_home_is_sent_to_its_own_page(duty, duty_world, db, client):
    _as(client, duty_world.users[duty])

    home = client.get(reverse("console:home"))
    business = client.get(reverse("console:org-tree"))

    own = reverse({"sysadmin": "admin:index", "secadmin": "console:accounts", "auditadmin": "console:audit-log"}[duty])
    assert (home.status_code, home["Location"]) == (302, own)
    assert client.get(own).status_code == 200
    assert business.status_code == 403 and "三员分立" in business.content.decode()


def test_the_console_home_still_leads_a_cadre_to_its_union_and_refuses_a_worker(duty_world, db, client):
    client.force_login(duty_world.county_cadre)
    assert client.get(reverse("console:home"))["Location"] == reverse("console:org-detail", args=[duty_world.county.pk])
    client.force_login(duty_world.worker)
    assert client.get(reverse("console:home")).status_code == 403


# --- 新建干部账号 (console.views.account_create) ---------------------------------------------------------------

NEW_PASSWORD = "Xin-mima-2026!"


def _new_account(**changes) -> dict:
    return {"username": "xiao_li", "display_name": "李晓", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "org_code": "", "kind": ""} | changes


@pytest.mark.parametrize("profile", ["dengbao", "asvs"])
def test_the_security_administrator_opens_an_account_whose_holder_changes_the_password_first(
        profile, duty_world, db, client, settings):
    from django.test import Client

    from gonghui.accounts.models import User

    settings.GONGHUI_PASSWORD_PROFILE = profile  # an initial password is replaced under both profiles
    _as(client, duty_world.users["secadmin"])
    assert "初始密码" in client.get(reverse("console:account-create")).content.decode()

    response = client.post(reverse("console:account-create"),
                           _new_account(org_code=duty_world.county.code, kind=RoleKind.STAFF))

    user = User.objects.get(username="xiao_li")
    assert response.status_code == 302 and response["Location"] == reverse("console:account-detail", args=[user.pk])
    assert (user.display_name, user.password_changed_at, user.check_password(NEW_PASSWORD)) == ("李晓", None, True)
    assert [(r.org, r.kind) for r in user.roles.all()] == [(duty_world.county, RoleKind.STAFF)]
    created = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert (created.actor, created.after) == (duty_world.secadmin, {"username": "xiao_li", "initial_password": True})
    assert NEW_PASSWORD not in str(created.after)
    assert AuditEvent.objects.filter(action="role.grant", actor=duty_world.secadmin, after__user="xiao_li").count() == 1

    holder = Client()
    signed_in = holder.post(reverse("console:login"), {"username": "xiao_li", "password": NEW_PASSWORD})
    first = holder.get(reverse("console:member-list"))
    assert signed_in.status_code == 302
    assert first.status_code == 302 and first["Location"].startswith(reverse("console:password-change"))
    assert "首次登录请先修改密码" in holder.get(first["Location"]).content.decode()
    changed = holder.post(reverse("console:password-change"), {
        "old_password": NEW_PASSWORD, "new_password1": "Ling-yige-2027#", "new_password2": "Ling-yige-2027#"})
    assert changed.status_code == 302
    assert holder.get(reverse("console:member-list")).status_code == 200


@pytest.mark.parametrize(("changes", "message"), [
    ({"password1": "abcdefgh", "password2": "abcdefgh"}, "密码须包含大写字母、小写字母、数字、符号中的至少3类"),
    ({"password1": "Xiao_li-2026", "password2": "Xiao_li-2026"}, "密码不能包含或近似于用户名或姓名"),
    ({"password2": NEW_PASSWORD + "x"}, "两次输入的初始密码不一致"),
    ({"username": "county_cadre"}, "用户名已被使用"),
    ({"username": "13800000000"}, "用户名须以英文字母开头"),
    ({"display_name": ""}, "请填写姓名"),
    ({"org_code": "no-such-org", "kind": RoleKind.CHAIR}, "没有这个组织代码的工会"),
    ({"kind": RoleKind.CHAIR}, "请填写授予角色的组织代码"),
    ({"org_code": "x", "kind": RoleKind.SECADMIN}, "请选择要授予的角色"),  # a duty is the operator's to grant
])
def test_a_refused_new_account_says_why_in_chinese_and_creates_nothing(changes, message, duty_world, db, client):
    _as(client, duty_world.users["secadmin"])
    events = AuditEvent.objects.count()

    response = client.post(reverse("console:account-create"), _new_account(**changes))

    assert response.status_code == 422 and message in response.content.decode()
    assert AuditEvent.objects.count() == events and not Role.objects.filter(user__username="xiao_li").exists()
    from gonghui.accounts.models import User

    assert User.objects.filter(username=_new_account(**changes)["username"]).count() == (
        1 if changes.get("username") == "county_cadre" else 0)


def test_the_audit_log_names_actions_and_objects_in_chinese_and_keeps_the_codes(duty_world, db, client):
    from gonghui.core import audit

    auditadmin = duty_world.users["auditadmin"]
    device = TOTPDevice.objects.get(user=auditadmin)
    with transaction.atomic():
        audit.record(actor=auditadmin, action="otp.confirm", obj=device, after={"user": "auditadmin"})
        audit.record(actor=auditadmin, action="legacy.unknown", object_type="gone.model", object_id=7)
    _as(client, auditadmin)

    html = client.get(reverse("console:audit-log"), {"who": "auditadmin"}).content.decode()

    assert '绑定身份验证器（两步验证）<br><small class="mono muted">otp.confirm</small>' in html
    assert f'身份验证器（TOTP） #{device.pk}<br><small class="mono muted">otp_totp.totpdevice</small>' in html
    assert '<strong>变更后</strong><ul class="audit-change"><li><span class="mono">user</span>：auditadmin</li>' in html
    assert "&quot;后&quot;" not in html and "{&quot;" not in html  # no JSON
    assert 'legacy.unknown<br><small class="mono muted">legacy.unknown</small>' in html  # no label: the code


def test_the_administrators_pages_link_to_the_password_change_page(duty_world, db, client):
    link = f'href="{reverse("console:password-change")}">修改密码</a>'
    pages = [("auditadmin", reverse("console:audit-log")), ("secadmin", reverse("console:accounts")),
             ("secadmin", reverse("console:account-create")),
             ("secadmin", reverse("console:account-detail", args=[duty_world.county_cadre.pk]))]

    for duty, url in pages:
        page = _as(client, duty_world.users[duty]).get(url)
        assert page.status_code == 200 and link in page.content.decode(), url
        assert client.get(reverse("console:password-change")).status_code == 200, duty  # after TOTP it opens


def test_the_admin_refuses_a_signed_in_account_it_is_not_for_with_the_reason_not_a_sign_in(duty_world, db, client):
    """A signed-in account sent to a sign-in form came straight back: the console's sign-in lets it through to
    /admin/, which sent it to sign in again. Now 403 with where to go instead."""
    index, admin_login = reverse("admin:index"), reverse("admin:login")
    expected = {"secadmin": ("三员分立", reverse("console:accounts")),
                "auditadmin": ("三员分立", reverse("console:audit-log")),
                "county_cadre": ("系统管理页面只对系统管理员开放", reverse("console:home")),
                "worker": ("没有工会干部角色", reverse("portal:home"))}

    for who, (reason, home) in expected.items():
        _as(client, duty_world.users[who], verified=who in DUTIES)
        for url in (index, admin_login, reverse("admin:orgs_org_changelist")):
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 403, (who, url)
            assert "无权访问系统管理" in html and reason in html and f'href="{home}"' in html, (who, url)

    _as(client, duty_world.users["secadmin"], verified=False)  # not past TOTP: the second factor first
    assert reverse("console:totp-verify") in client.get(index, follow=True).redirect_chain[-1][0]

    _as(client, duty_world.users["sysadmin"])
    assert client.get(index).status_code == 200
    assert client.get(admin_login)["Location"] == index

    client.logout()
    assert client.get(index, follow=True).redirect_chain[-1][0].startswith(reverse("console:login"))
