"""The demo's printed logins tell the three administrators (三员) about the authenticator before the console asks
for it; a newcomer signing in as sysadmin used to meet a QR code the quick start had not mentioned."""
from types import SimpleNamespace

from gonghui.accounts.choices import RoleKind
from gonghui.demo.logins import Login
from gonghui.demo.management.commands.demo import logins_text


def _login(username: str, kind: str) -> Login:
    return Login(username, "x", SimpleNamespace(name="四川省总工会"), RoleKind(kind).label)


def test_the_administrators_are_told_to_bind_an_authenticator():
    result = SimpleNamespace(logins=[_login("county_cadre", RoleKind.STAFF), _login("sysadmin", RoleKind.SYSADMIN),
                                     _login("secadmin", RoleKind.SECADMIN), _login("auditadmin", RoleKind.AUDITADMIN)])

    text = logins_text(result)

    assert "管理员账号（sysadmin、secadmin、auditadmin）登录后须绑定动态验证码" in text
    assert "county_cadre" not in text.split("管理员账号")[1]


def test_no_administrator_no_word_about_the_authenticator():
    assert "动态验证码" not in logins_text(SimpleNamespace(logins=[_login("county_cadre", RoleKind.STAFF)]))
