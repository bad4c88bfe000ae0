"""The platform's own deployment checks, run by `gonghui check --deploy` next to Django's.

Django's checks cover DEBUG, the secret key, HSTS, cookies and redirects; these cover what only this platform
knows: its data keys, its content security policy, where uploads live, its password profile, the SMS backend
and the database engine. Each id is `gonghui.E…` (the deployment is unsafe) or `gonghui.W…` (a choice an
operator should make knowingly; silence one with GONGHUI_SILENCED_CHECKS=gonghui.W002, say, once decided).
Registered from gonghui.core.apps.CoreConfig.ready.
"""
import base64
import binascii
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

KEY_NAMES = ("GONGHUI_DATA_KEY", "GONGHUI_INDEX_KEY", "GONGHUI_CARD_SIGNING_KEY")
# Sources that would let an injected script run: never in script-src (an inline handler, eval, any host).
UNSAFE_SCRIPT_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")


def _production() -> bool:
    return getattr(settings, "GONGHUI_ENV", "development") == "production"


@register(Tags.security, deploy=True)
def check_debug(app_configs=None, **kwargs):
    # Django's security.W018 is only a warning; here DEBUG with production data is an error, because its error
    # pages print settings and local variables: ID numbers of the request being served (ASVS 13.4.2).
    if _production() and settings.DEBUG:
        return [Error("生产环境（GONGHUI_ENV=production）不得开启 DEBUG：出错页面会显示请求中的个人信息",
                      hint="去掉 GONGHUI_DEBUG 环境变量", id="gonghui.E001")]
    return []


def _decoded(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return None


def _development_keys() -> set[str]:
    """The keys a demo or development machine made for itself (config.env.local_secrets): in the data folder, or
    in the checkout's var/ where a quick start ran before the checkout became the production one."""
    keys = set()
    for folder in {Path(settings.DATA_DIR), Path(settings.BASE_DIR) / "var"}:
        try:
            keys |= {value for value in json.loads((folder / "secrets.json").read_text()).values() if value}
        except (OSError, ValueError, AttributeError):
            continue
    return keys


@register(Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs):
    """Each key decodes to 32 random-looking bytes, no two are the same, and none is a development key.

    The index key must differ from the data key: the blind index is only safe while its key cannot decrypt and
    the cipher key cannot recompute the index (research/reliability-security-anchors.md §2.4)."""
    if not _production():
        return []
    issues = []
    values = {name: getattr(settings, name, "") or "" for name in KEY_NAMES}
    for name, value in values.items():
        raw = _decoded(value)
        # AES-256 and the Ed25519 seed take exactly 32 bytes; the HMAC index key at least 32 (core.crypto).
        if raw is None or len(raw) < 32 or (len(raw) != 32 and name != "GONGHUI_INDEX_KEY"):
            issues.append(Error(f"{name} 必须是 32 字节随机数的 base64 编码",
                                hint="python3 -c \"import base64,os; print(base64.b64encode(os.urandom(32)).decode())\"",
                                id="gonghui.E002"))
        elif len(set(raw)) < 8:
            issues.append(Error(f"{name} 不是随机密钥（字节几乎全部相同）", id="gonghui.E002"))
    if len(set(values.values())) < len(values):
        issues.append(Error("GONGHUI_DATA_KEY、GONGHUI_INDEX_KEY、GONGHUI_CARD_SIGNING_KEY 必须互不相同",
                            hint="为每个用途分别生成密钥", id="gonghui.E003"))
    development = _development_keys()
    reused = [name for name, value in {**values, "GONGHUI_SECRET_KEY": settings.SECRET_KEY}.items()
              if value and value in development]
    if reused:
        issues.append(Error(f"生产环境使用了开发机自动生成的密钥：{', '.join(reused)}",
                            hint=f"生成新的密钥；开发密钥保存在 {Path(settings.DATA_DIR) / 'secrets.json'}，可能已被复制或泄露",
                            id="gonghui.E004"))
    return issues


def _csp_directives() -> dict:
    return (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES") or {}


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs=None, **kwargs):
    """A strict policy is on: the middleware is installed and no page may run inline or foreign script."""
    issues = []
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        issues.append(Error("未启用内容安全策略（Content-Security-Policy）", hint="MIDDLEWARE 中加入 csp.middleware.CSPMiddleware",
                            id="gonghui.E005"))
    directives = _csp_directives()
    script = directives.get("script-src", directives.get("default-src"))
    if not script:
        issues.append(Error("内容安全策略缺少 script-src 或 default-src", id="gonghui.E005"))
    else:
        bad = [source for source in script if source in UNSAFE_SCRIPT_SOURCES]
        if bad:
            issues.append(Error(f"内容安全策略的 script-src 允许了不安全的来源：{' '.join(bad)}",
                                hint="把脚本移到 static/js 中的文件里；个别页面需要放宽时用 csp.decorators.csp_update",
                                id="gonghui.E005"))
    if directives.get("object-src") != ["'none'"] or "frame-ancestors" not in directives:
        issues.append(Error("内容安全策略须设置 object-src 'none' 和 frame-ancestors", id="gonghui.E005"))
    return issues


@register(Tags.security, deploy=True)
def check_uploads_are_private(app_configs=None, **kwargs):
    """Uploaded rosters (full ID numbers in clear) never sit where static files are served from."""
    media = Path(settings.MEDIA_ROOT).resolve()
    served = [Path(settings.STATIC_ROOT).resolve(), *(Path(p).resolve() for p in settings.STATICFILES_DIRS)]
    inside = [str(root) for root in served if root == media or root in media.parents or media in root.parents]
    issues = []
    if inside:
        issues.append(Error(f"上传文件目录 MEDIA_ROOT（{media}）与静态文件目录重叠：{', '.join(inside)}",
                            hint="把 GONGHUI_DATA_DIR 设在静态文件目录之外", id="gonghui.E006"))
    if _serves_files():
        issues.append(Error("网址配置中有 django.views.static.serve：上传的花名册只能由后台任务读取，不能通过网址访问",
                            hint="从 urls.py 中去掉 static()/serve（静态文件由 WhiteNoise 提供）", id="gonghui.E006"))
    return issues


def _serves_files() -> bool:
    """Whether any URL pattern hands out files from a folder (Django's static()/serve, e.g. for MEDIA_URL)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.views.static import serve

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.callback

    return any(callback is serve for callback in walk(get_resolver().url_patterns))


@register(Tags.security, deploy=True)
def check_password_profile(app_configs=None, **kwargs):
    """The password policy (gonghui.accounts.passwords) is the one in force, and production chose its profile.

    The two profiles answer different rulebooks (等保 rotation vs. ASVS no rotation): an assessed deployment must
    pick one on purpose rather than inherit the default."""
    issues = []
    names = [v.get("NAME") for v in settings.AUTH_PASSWORD_VALIDATORS]
    if "gonghui.accounts.passwords.ProfileValidator" not in names:
        issues.append(Error("AUTH_PASSWORD_VALIDATORS 中没有 gonghui.accounts.passwords.ProfileValidator：密码策略未生效",
                            id="gonghui.E007"))
    chosen = os.environ.get("GONGHUI_PASSWORD_PROFILE") or os.environ.get("GONGHUI_PASSWORD_PROFILE_FILE")
    if _production() and not chosen:
        issues.append(Warning("生产环境未明确选择密码策略（GONGHUI_PASSWORD_PROFILE）",
                              hint="等级保护测评的部署设为 dengbao（三类字符、90天更换），否则可设为 asvs",
                              id="gonghui.W003"))
    return issues


@register(Tags.security, deploy=True)
def check_cookie_prefixes(app_configs=None, **kwargs):
    # ASVS 5.0 3.3.1: a cookie without the __Host- (or __Secure-) prefix can be set by a sibling sub-domain.
    names = {"SESSION_COOKIE_NAME": settings.SESSION_COOKIE_NAME, "CSRF_COOKIE_NAME": settings.CSRF_COOKIE_NAME}
    plain = [name for name, value in names.items() if not value.startswith(("__Host-", "__Secure-"))]
    if _production() and plain:
        return [Warning(f"生产环境的 Cookie 名称缺少 __Host- 前缀：{', '.join(plain)}", id="gonghui.W004")]
    return []


@register(Tags.security, deploy=True)
def check_sms_backend(app_configs=None, **kwargs):
    backend = getattr(settings, "GONGHUI_SMS_BACKEND", "")
    if _production() and backend.rsplit(".", 1)[-1] in {"ConsoleBackend", "LocmemBackend"}:
        return [Warning("生产环境的短信后端只把验证码写进日志或内存：职工收不到短信，日志里却有验证码",
                        hint="把 GONGHUI_SMS_BACKEND 设为接入短信服务商的后端", id="gonghui.W001")]
    return []


@register(Tags.security, deploy=True)
def check_database_engine(app_configs=None, **kwargs):
    """SQLite serves a county (one writer at a time, one machine); a city or province needs PostgreSQL."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if _production() and engine.endswith("sqlite3"):
        return [Warning("生产环境使用 SQLite：适合县级单机部署；市、省级部署请使用 PostgreSQL（DATABASE_URL=postgres://…）",
                        hint="县级部署确认后可设置 GONGHUI_SILENCED_CHECKS=gonghui.W002", id="gonghui.W002")]
    return []
