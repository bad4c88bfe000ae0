"""The content security policy in a real browser: pages run under it without a violation, and a violation (an
injected inline script or style) is blocked and fails the test through the console watcher (conftest.Watched)."""
import pytest

pytestmark = pytest.mark.browser

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injectedRan = true;";
  document.body.appendChild(script);
  const box = document.createElement("div");
  box.innerHTML = '<p id="injected-style" style="color: rgb(255, 0, 0)">x</p>';
  document.body.appendChild(box);
  return [window.injectedRan === true, getComputedStyle(document.getElementById("injected-style")).color];
}"""


def test_an_injected_inline_script_and_style_are_blocked_and_reported_as_errors(phone, db):
    phone.goto("/portal/")
    assert phone.errors == []

    ran, color = phone.page.evaluate(INJECT)
    phone.page.wait_for_timeout(200)  # the console messages arrive asynchronously

    assert ran is False and color != "rgb(255, 0, 0)"
    violations = [e for e in phone.errors if "Content Security Policy" in e]
    assert len(violations) == 2 and len(phone.errors) == 2, phone.errors
    phone.errors.clear()  # proven: the watcher would have failed this test


def test_the_api_docs_run_swagger_ui_under_the_policy(desktop, db):
    desktop.goto("/api/v1/docs")
    desktop.page.locator(".opblock").first.wait_for()
    assert desktop.page.locator(".opblock").count() > 10


def test_the_admin_sign_in_page_runs_under_the_policy(desktop, db):
    desktop.goto("/admin/login/")
    desktop.page.locator("form").first.wait_for()


def test_chart_tooltips_draw_under_the_policy(desktop, town):
    """ECharts' HTML tooltips carry style attributes; static/js/stats.js draws them on the canvas instead."""
    from tests.browser.test_console_pages import sign_in

    sign_in(desktop, "county_cadre")
    desktop.goto("/console/stats/")
    desktop.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.querySelector('canvas'))")
    charts = desktop.page.locator("[data-chart] canvas")
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        for x, y in ((0.5, 0.5), (0.3, 0.4), (0.7, 0.6)):
            desktop.page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
            desktop.page.wait_for_timeout(100)
    assert desktop.errors == []


def test_django_admin_pages_run_under_the_policy(desktop, town):
    """The admin's own scripts (change list, change form) after the system administrator's TOTP sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gonghui.accounts.choices import RoleKind
    from gonghui.accounts.services import cadre_create, role_grant
    from gonghui.console.tests.conftest import totp_token
    from gonghui.core.testing.personas import PASSWORD
    from tests.browser.test_console_pages import sign_in

    admin = cadre_create(username="sysadmin", password=PASSWORD, display_name="系统管理员", actor=None)
    role_grant(user=admin, org=town.province, kind=RoleKind.SYSADMIN, actor=None)
    sign_in(desktop, "sysadmin")
    desktop.page.locator("input[name=token]").fill(totp_token(TOTPDevice.objects.get(user=admin)))
    desktop.page.get_by_role("button", name="确认绑定").click()
    desktop.page.wait_for_load_state("networkidle")

    for path in ("/admin/", "/admin/orgs/org/", f"/admin/orgs/org/{town.county.pk}/change/"):
        desktop.goto(path)
        desktop.page.wait_for_load_state("networkidle")
        assert "/admin/" in desktop.page.url and "login" not in desktop.page.url, desktop.page.url
        assert desktop.page.locator("#content h1").count() == 1  # the admin's own page, not a refusal
