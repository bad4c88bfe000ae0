"""Deployment (issue 6 part 5): `gonghui check --deploy` is clean in production, the platform's own checks catch
what they are for, every answer carries the security headers, and uploaded rosters are never served."""
import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gonghui.core import checks

ROOT = Path(__file__).resolve().parents[3]
GONGHUI = Path(sys.executable).with_name("gonghui")


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def production_env(tmp_path: Path) -> dict[str, str]:
    """What docs/architecture.md and the settings' docstring ask of a production host."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "DATABASE_URL", "DJANGO_"))}
    env.update({
        "GONGHUI_ENV": "production",
        "GONGHUI_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(50)).decode(),
        "GONGHUI_DATA_KEY": _key(), "GONGHUI_INDEX_KEY": _key(), "GONGHUI_CARD_SIGNING_KEY": _key(),
        "GONGHUI_ALLOWED_HOSTS": "gonghui.example.cn",
        "GONGHUI_DATA_DIR": str(tmp_path / "data"),
        "GONGHUI_PASSWORD_PROFILE": "dengbao",
        "GONGHUI_SMS_BACKEND": "gonghui.core.sms.AliyunBackend",  # any provider's backend; the check reads the name
        # The check never connects; a province runs PostgreSQL (SQLite in production is warning gonghui.W002).
        "DATABASE_URL": "postgres://gonghui@127.0.0.1:5432/gonghui",
    })
    return env


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    result = subprocess.run([str(GONGHUI), "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=production_env(tmp_path), capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", result.stdout + result.stderr
    assert result.stderr == ""


def _ids(*functions) -> set[str]:
    return {issue.id for function in functions for issue in function()}


@override_settings(GONGHUI_ENV="production", DEBUG=True)
def test_debug_in_production_is_an_error():
    assert _ids(checks.check_debug) == {"gonghui.E001"}


def test_keys_must_be_32_random_bytes_distinct_and_not_the_development_ones(settings, tmp_path):
    settings.GONGHUI_ENV = "production"
    settings.DATA_DIR = settings.BASE_DIR = tmp_path  # no development secrets.json but the ones written below
    settings.SECRET_KEY = _key()
    settings.GONGHUI_DATA_KEY, settings.GONGHUI_INDEX_KEY, settings.GONGHUI_CARD_SIGNING_KEY = _key(), _key(), _key()
    assert _ids(checks.check_keys) == set()

    settings.GONGHUI_INDEX_KEY = settings.GONGHUI_DATA_KEY
    assert _ids(checks.check_keys) == {"gonghui.E003"}

    settings.GONGHUI_INDEX_KEY = base64.b64encode(b"\x00" * 32).decode()
    assert _ids(checks.check_keys) == {"gonghui.E002"}
    settings.GONGHUI_INDEX_KEY = "not base64!"
    assert _ids(checks.check_keys) == {"gonghui.E002"}

    settings.GONGHUI_INDEX_KEY = base64.b64encode(os.urandom(64)).decode()  # an HMAC key may be longer
    assert _ids(checks.check_keys) == set()

    # A key copied from a development machine's secrets.json (config.env.local_secrets), in the data folder or
    # in the checkout's var/.
    settings.GONGHUI_INDEX_KEY = _key()
    (tmp_path / "secrets.json").write_text(json.dumps({"GONGHUI_INDEX_KEY": settings.GONGHUI_INDEX_KEY}))
    assert _ids(checks.check_keys) == {"gonghui.E004"}
    (tmp_path / "var").mkdir()
    (tmp_path / "secrets.json").rename(tmp_path / "var" / "secrets.json")
    settings.DATA_DIR = tmp_path / "elsewhere"
    assert _ids(checks.check_keys) == {"gonghui.E004"}

    settings.GONGHUI_ENV = "development"  # a demo machine uses exactly those keys, rightly
    assert _ids(checks.check_keys) == set()


def test_an_unsafe_script_source_or_a_missing_policy_is_an_error(settings):
    assert _ids(checks.check_content_security_policy) == set()
    policy = json.loads(json.dumps(settings.CONTENT_SECURITY_POLICY))
    policy["DIRECTIVES"]["script-src"] = ["'self'", "'unsafe-inline'"]
    settings.CONTENT_SECURITY_POLICY = policy
    assert _ids(checks.check_content_security_policy) == {"gonghui.E005"}
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]
    assert [i.id for i in checks.check_content_security_policy()] == ["gonghui.E005", "gonghui.E005"]


def test_uploads_inside_a_served_folder_are_an_error(settings):
    assert _ids(checks.check_uploads_are_private) == set()
    settings.MEDIA_ROOT = Path(settings.STATICFILES_DIRS[0]) / "uploads"
    assert _ids(checks.check_uploads_are_private) == {"gonghui.E006"}


def test_production_choices_an_operator_must_make_are_warnings(settings, monkeypatch):
    settings.GONGHUI_ENV = "production"
    settings.GONGHUI_SMS_BACKEND = "gonghui.core.sms.ConsoleBackend"
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.delenv("GONGHUI_PASSWORD_PROFILE", raising=False)
    monkeypatch.delenv("GONGHUI_PASSWORD_PROFILE_FILE", raising=False)
    assert _ids(checks.check_sms_backend, checks.check_database_engine, checks.check_password_profile) == {
        "gonghui.W001", "gonghui.W002", "gonghui.W003"}
    settings.AUTH_PASSWORD_VALIDATORS = []
    assert "gonghui.E007" in _ids(checks.check_password_profile)
    settings.SESSION_COOKIE_NAME = "sessionid"
    assert _ids(checks.check_cookie_prefixes) == {"gonghui.W004"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/portal/", "/console/login/", "/api/v1/join/notice", "/admin/login/",
                                  "/no-such-page/"])
def test_every_answer_carries_a_strict_content_security_policy_and_the_other_headers(client, path):
    response = client.get(path)

    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'", policy
    assert policy["style-src"] == "'self'" and policy["object-src"] == "'none'", policy
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'", policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_an_uploaded_roster_is_never_served_at_any_guessed_address(world, client, settings, tmp_path):
    from gonghui.roster.uploads import store_upload

    settings.MEDIA_ROOT = tmp_path / "uploads"
    content = "姓名,身份证号\n张三,110101199003074514\n".encode()
    stored = store_upload(SimpleUploadedFile("名单.csv", content))
    assert (settings.MEDIA_ROOT / stored.relative).read_bytes() == content

    guesses = [f"/{prefix}{stored.relative}" for prefix in (
        "", "media/", "uploads/", "static/", "static/../uploads/", "var/uploads/", "console/", "portal/",
        "api/v1/", "admin/")]
    for who in (None, world.county_cadre):
        if who is not None:
            client.force_login(who)
        for url in guesses:
            response = client.get(url)
            # the admin sends the anonymous to sign in and refuses a signed-in cadre (403) before any path
            refused_by_admin = response.status_code in (302, 403) and url.startswith("/admin/")
            assert response.status_code == 404 or refused_by_admin, url
            assert content not in b"".join(getattr(response, "streaming_content", [response.content])), url


# Inline script or style, an event handler attribute, a javascript: URL, and htmx's eval doors (hx-on, js: values).
INLINE = re.compile(r"""<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:|\bhx-on|['"]js:""",
                    re.I)


def test_no_template_carries_inline_script_style_or_event_handler():
    """What the CSP would refuse in a browser, caught in every template, visited by a browser test or not."""
    folders = [ROOT / "templates", *(ROOT / "gonghui").glob("*/templates")]
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}"
             for folder in folders for path in folder.rglob("*.html")
             for match in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
