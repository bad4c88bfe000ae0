"""Every console route and every admin route an administrator (三员) can use asks for TOTP first.

GB/T 22239-2019 8.1.4.1 d (two factors for administrators); ASVS 6.3.3. The routes are not listed by hand: the
tests walk every URL name of the console namespace and of the admin, so a page added later is covered too.
"""
import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.choices import DUTIES, RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.core.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

# Reachable before the second factor by design: signing in and out, and the TOTP steps themselves.
OPEN = {"console:login", "console:logout", "console:totp-setup", "console:totp-verify", "admin:logout"}
# The pages of each duty (console.views.duties), which must ask for TOTP rather than refuse.
OWN_PAGES = {RoleKind.SECADMIN: {"console:accounts", "console:account-detail"},
             RoleKind.AUDITADMIN: {"console:audit-log"}, RoleKind.SYSADMIN: set()}


def _urls(namespace: str, values: dict) -> dict[str, str]:
    """Every URL name of a namespace, reversed with a placeholder for each parameter."""
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    urls = {}
    for key in resolver.reverse_dict:
        if not isinstance(key, str):
            continue
        for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(key):
            params = possibility[0][1]
            try:
                urls[f"{namespace}:{key}"] = reverse(f"{namespace}:{key}", kwargs={p: values.get(p, "1") for p in params})
                break
            except NoReverseMatch:
                continue
    return urls


def _totp_steps() -> tuple[str, str]:
    return reverse("console:totp-setup"), reverse("console:totp-verify")


def _administrator(world, kind: str, *, device: bool):
    user = cadre_create(username=f"admin_{kind}", password=PASSWORD, display_name="管理员", actor=None)
    role_grant(user=user, org=world.province, kind=kind, actor=None)
    if device:
        TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    return user


def _answer(client, url: str):
    """GET, or POST where the route takes POST only; redirects followed up to a TOTP step (not into it)."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    for _hop in range(4):
        if response.status_code not in (301, 302) or response["Location"].startswith(_totp_steps()):
            break
        response = client.get(response["Location"])
    return response


def _asks_for_totp(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(_totp_steps())


@pytest.mark.parametrize("kind", sorted(DUTIES))
def test_no_console_route_serves_an_administrator_before_totp(client, world, kind):
    client.force_login(_administrator(world, kind, device=True))
    urls = _urls("console", {})
    assert len(urls) > 40  # the walk found the console, not an empty namespace

    answers = {name: _answer(client, url) for name, url in urls.items() if name not in OPEN}

    served = {name: r.status_code for name, r in answers.items() if not (_asks_for_totp(r) or r.status_code == 403)}
    assert served == {}, "answered without a second factor"
    asking = {name for name, r in answers.items() if _asks_for_totp(r)}
    assert OWN_PAGES[kind] | {"console:password-change"} <= asking


def test_no_admin_route_serves_a_system_administrator_before_totp(client, world):
    client.force_login(_administrator(world, RoleKind.SYSADMIN, device=True))
    app_label = next(iter(admin.site._registry))._meta.app_label
    urls = _urls("admin", {"app_label": app_label, "url": "x/"})
    assert len(urls) > 20

    answers = {name: _answer(client, url) for name, url in urls.items() if name not in OPEN}

    assert {name: r.status_code for name, r in answers.items() if not _asks_for_totp(r)} == {}
    assert all(r["Location"].startswith(reverse("console:totp-verify")) for r in answers.values())


def test_an_administrator_without_an_authenticator_is_sent_to_enrol(client, world):
    client.force_login(_administrator(world, RoleKind.SYSADMIN, device=False))

    response = _answer(client, reverse("admin:index"))

    assert response["Location"].startswith(reverse("console:totp-setup"))


def test_after_totp_the_system_administrator_reaches_the_admin(client, world):
    from django_otp import DEVICE_ID_SESSION_KEY

    user = _administrator(world, RoleKind.SYSADMIN, device=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()

    assert client.get(reverse("admin:index")).status_code == 200
