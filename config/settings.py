"""The one settings module: everything that differs between machines comes from the environment.

Options (all optional on a demo machine):
  DATABASE_URL                  sqlite:///path (default: var/gonghui.sqlite3) or postgres://user@host:port/db
  GONGHUI_ENV                   "development" (default) or "production"
  GONGHUI_DEBUG                 1: Django's debug pages (development only; default off everywhere)
  GONGHUI_SECRET_KEY            Django's secret key
  GONGHUI_DATA_KEY              base64 of 32 bytes: AES-256-GCM key for ID and phone numbers
  GONGHUI_INDEX_KEY             base64 of 32 bytes: HMAC key of the blind index used for exact look-ups
  GONGHUI_DATA_DIR              where the SQLite file, local secrets and uploads live (default: var/)
  GONGHUI_ALLOWED_HOSTS         comma-separated host names
  GONGHUI_SMS_BACKEND           dotted path of the SMS backend (default: print to the console)
  GONGHUI_SESSION_IDLE_MINUTES  idle session timeout (default 30)
  GONGHUI_SESSION_MAX_HOURS     absolute session lifetime (default 12)
  GONGHUI_AXES_FAILURE_LIMIT    failed sign-ins before a username+IP pair is locked (default 5)
  GONGHUI_AXES_COOLOFF_MINUTES  how long the lock lasts (default 30)
  GONGHUI_BROKER_URL            Celery broker, e.g. redis://127.0.0.1:6379/0 (default: files under the data directory)
  GONGHUI_UPLOAD_MAX_MB         largest roster file the console accepts, in MB (default 50)
  GONGHUI_PASSWORD_PROFILE      "dengbao" (default: length, three character classes, changed every 90 days) or
                                "asvs" (length, common and breached passwords refused, no rotation);
                                gonghui/accounts/passwords.py
  GONGHUI_PASSWORD_MIN_LENGTH   shortest password (default 8 for dengbao, 12 for asvs)
  GONGHUI_PASSWORD_MAX_AGE_DAYS dengbao: days before a cadre must change the password (default 90)
  GONGHUI_RATE_LIMITS           overrides of the rate limits (gonghui/core/ratelimit.py), comma-separated
                                NAME=COUNT/PERIOD with PERIOD s, m, h, d or e.g. 10m; NAME=0 switches one off:
                                GONGHUI_RATE_LIMITS="join_ip=600/m,sms_phone=3/h"
  GONGHUI_CACHE_URL             Django's cache, e.g. redis://127.0.0.1:6379/1 (GONGHUI_REDIS_URL is read when this
                                is unset); without either, each process keeps its own cache in memory, so each
                                server process counts rate limits on its own: set it where several run
  GONGHUI_HSTS_PRELOAD          send HSTS "preload" (default on in production)
  GONGHUI_SILENCED_CHECKS       comma-separated check ids to silence, e.g. gonghui.W002 (a county on SQLite)
  GONGHUI_AUDIT_RETENTION_DAYS  audit events younger than this are never purged (default and minimum 180)
  GONGHUI_AUDIT_SEAL_LAG_SECONDS  the audit sealer leaves events this young for its next run (default 60)
"""
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, local_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("GONGHUI_DATA_DIR", str(BASE_DIR / "var")))
GONGHUI_ENV = env_str("GONGHUI_ENV", "development")
PRODUCTION = GONGHUI_ENV == "production"

_KEYS = ("GONGHUI_SECRET_KEY", "GONGHUI_DATA_KEY", "GONGHUI_INDEX_KEY", "GONGHUI_CARD_SIGNING_KEY")
_given = {name: env_str(name) for name in _KEYS}
if PRODUCTION:
    missing = [name for name, value in _given.items() if not value]
    if missing:
        raise ImproperlyConfigured(f"production needs these environment variables: {', '.join(missing)}")
    _secrets = _given
else:
    _secrets = {**local_secrets(DATA_DIR), **{k: v for k, v in _given.items() if v}}

SECRET_KEY = _secrets["GONGHUI_SECRET_KEY"]
GONGHUI_DATA_KEY = _secrets["GONGHUI_DATA_KEY"]
GONGHUI_INDEX_KEY = _secrets["GONGHUI_INDEX_KEY"]
GONGHUI_CARD_SIGNING_KEY = _secrets["GONGHUI_CARD_SIGNING_KEY"]

# Off unless asked for, on a demo machine too: its error pages list every URL and a server error's page shows
# local variables, which can hold decrypted numbers; the Chinese 404/500 pages are what users should see.
DEBUG = env_bool("GONGHUI_DEBUG", False)
ALLOWED_HOSTS = env_list("GONGHUI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("GONGHUI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "gonghui.console.apps.GonghuiAdminConfig",  # django.contrib.admin, OTP-guarded site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "template_partials",
    "ninja",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.api",
    "gonghui.portal",
    "gonghui.console",
    "gonghui.joining",
    "gonghui.roster",
    "gonghui.stats",
    "gonghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (block "security headers" below)
    "gonghui.core.headers.SecurityHeadersMiddleware",  # Permissions-Policy, Cross-Origin-Resource-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gonghui.accounts.middleware.PasswordExpiryMiddleware",  # dengbao: 修改密码 after 90 days
    "gonghui.core.middleware.RequestContextMiddleware",
    "gonghui.core.middleware.NoStoreMiddleware",  # personal data is never cached (gonghui.core.middleware)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gonghui.sqlite3'}"),
        # Persistent connections: without them a scoped GET falls from 0.33 to 0.06 of a hello-world
        # (research/performance-anchors.md §3.3).
        conn_max_age=env_int("GONGHUI_CONN_MAX_AGE", 60),
        # A health check is one more round-trip (SELECT 1) at the start of every request; off by default, as
        # in Django. Turn it on where the database restarts under a running server (one failed request per
        # stale connection otherwise).
        conn_health_checks=env_bool("GONGHUI_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if env_bool("GONGHUI_SQLITE_NO_PERSIST") else 60
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=15000;"
        " PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and sessions ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "gonghui.accounts.backends.PhoneCodeBackend",
]
LOGIN_URL = "console:login"
# Password policy: two profiles, because GB/T 22239 (rotation, composition) and OWASP ASVS 5.0 (length, breached
# passwords, no rotation) disagree; the one validator applies the configured profile (gonghui.accounts.passwords).
GONGHUI_PASSWORD_PROFILE = env_str("GONGHUI_PASSWORD_PROFILE", "dengbao")
if GONGHUI_PASSWORD_PROFILE not in ("dengbao", "asvs"):
    raise ImproperlyConfigured("GONGHUI_PASSWORD_PROFILE must be dengbao or asvs")
GONGHUI_PASSWORD_MIN_LENGTH = env_int("GONGHUI_PASSWORD_MIN_LENGTH", 8 if GONGHUI_PASSWORD_PROFILE == "dengbao" else 12)
GONGHUI_PASSWORD_MAX_AGE_DAYS = env_int("GONGHUI_PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [{"NAME": "gonghui.accounts.passwords.ProfileValidator"}]
# Idle timeout: the cookie lives this long and every request renews it.
SESSION_COOKIE_AGE = env_int("GONGHUI_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute lifetime, enforced by gonghui.accounts.middleware.SessionLifetimeMiddleware.
GONGHUI_SESSION_MAX_AGE = timedelta(hours=env_int("GONGHUI_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("GONGHUI_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
GONGHUI_BEHIND_PROXY = env_bool("GONGHUI_BEHIND_PROXY")  # one reverse proxy: see gonghui.core.middleware
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if GONGHUI_BEHIND_PROXY else None
X_FRAME_OPTIONS = "DENY"

# --- security headers (issue 6 part 5; `gonghui check --deploy` with the production settings is clean) -----
# HSTS preload: the header only says the host consents to the browsers' preload list; an operator submits the
# domain there. GONGHUI_HSTS_PRELOAD=0 for a host that must keep plain HTTP on a sibling sub-domain.
SECURE_HSTS_PRELOAD = env_bool("GONGHUI_HSTS_PRELOAD", PRODUCTION)
# Deployment checks an operator has decided on (gonghui.core.checks), e.g. gonghui.W002 for a county on SQLite.
SILENCED_SYSTEM_CHECKS = env_list("GONGHUI_SILENCED_CHECKS", [])
SECURE_REFERRER_POLICY = "same-origin"  # console URLs carry org and member ids; other sites never see them
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the hx-headers attribute, never read from the cookie
# ASVS 5.0 3.3.1: over HTTPS the cookies carry the __Host- prefix (Secure, this host only, Path=/), so no
# sibling sub-domain can plant or overwrite a session or CSRF cookie.
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-gonghui_session"
    CSRF_COOKIE_NAME = "__Host-gonghui_csrf"
# Content-Security-Policy (django-csp): every script, style, font and image from this host; no inline script
# or style, no eval, no frames. Pico's form icons are data: SVG images. The API docs page (Swagger UI) needs no
# relaxation: it loads only vendored files and starts from api/swagger-init.js (gonghui.api.docs).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Powerful browser features no page uses are switched off (gonghui.core.headers).
GONGHUI_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"

# django-axes: lock the username+IP pair, not the username alone, so an attacker cannot lock a cadre out
# from another address (MLPS level 3: 登录失败处理).
AXES_FAILURE_LIMIT = env_int("GONGHUI_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GONGHUI_AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "gonghui.core.middleware.client_address"  # the address audit events record too
AXES_LOCKOUT_CALLABLE = "gonghui.accounts.views.locked_out"
AXES_USERNAME_CALLABLE = "gonghui.accounts.views.axes_username"  # workers: the phone (as its blind index)
# Never stored in clear in axes's attempt log: the portal's phone and SMS code, the console's TOTP code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "phone", "code", "token"]
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "gonghui 工会"

# --- cache and rate limits (gonghui/core/ratelimit.py) ---------------------------------------------------
# Redis when configured, so every server process shares one count; otherwise each process's own memory.
GONGHUI_CACHE_URL = env_str("GONGHUI_CACHE_URL") or env_str("GONGHUI_REDIS_URL")
if GONGHUI_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": GONGHUI_CACHE_URL,
                          "KEY_PREFIX": "gonghui"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gonghui"}}
# Requests per fixed window, by limit name: <what>_<counted by>. Answers past the count get HTTP 429 in Chinese.
# Per address limits are generous (a factory's workers share one address when a join drive signs them up together);
# per account and per phone limits are tight (one person never needs more).
GONGHUI_RATE_LIMITS = {
    "sign_in_ip": "60/m",  # console and portal sign-in attempts from one address
    "sign_in_username": "10/m",  # console sign-in attempts for one username (django-axes locks at 5 failures)
    "sign_in_phone": "10/m",  # portal sign-in attempts for one phone
    "sms_ip": "60/m",  # SMS codes asked for from one address
    "sms_phone": "5/h",  # SMS codes sent to one phone (and at most one a minute: accounts.services)
    "join_ip": "120/m",  # join applications (portal and API) from one address
    "join_user": "10/h",  # join applications of one account
    "apply_ip": "120/m",  # other application forms (transfer requests, withdrawals, cancellations) per address
    "apply_user": "30/h",  # ... per account
    "unmask_user": "30/h",  # 查看完整号码 (members.unmask), console and API together, per account
} | dict(item.split("=", 1) for item in env_list("GONGHUI_RATE_LIMITS", []) if "=" in item)

# --- SMS ------------------------------------------------------------------------------------------
GONGHUI_SMS_BACKEND = env_str("GONGHUI_SMS_BACKEND", "gonghui.core.sms.ConsoleBackend")
GONGHUI_SMS_CODE_TTL = timedelta(minutes=env_int("GONGHUI_SMS_CODE_MINUTES", 5))
GONGHUI_SMS_CODE_ATTEMPTS = 5

# --- language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files: everything is vendored, nothing comes from a CDN --------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
# WhiteNoise serves from the finders on a demo machine; it only needs the folder to exist.
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"  # never served publicly
# Uploaded roster files are kept here by content hash, readable by the server account only (roster.uploads).
GONGHUI_UPLOAD_MAX_MB = env_int("GONGHUI_UPLOAD_MAX_MB", 50)

# --- background jobs (config/celery.py) ----------------------------------------------------------
# Redis when configured; otherwise kombu's filesystem transport, so a demo machine needs no broker server.
GONGHUI_BROKER_URL = env_str("GONGHUI_BROKER_URL")
if GONGHUI_BROKER_URL:
    CELERY_BROKER_URL = GONGHUI_BROKER_URL
    # Redis hands an unacknowledged message to another worker after this long; a province's import may run
    # for an hour, and a second run of one job only stops at its checkpoint (roster.jobs), so be generous.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
else:
    _QUEUE_DIR = DATA_DIR / "queue"
    CELERY_BROKER_URL = "filesystem://localhost/"
    # One folder for both directions: the web process writes a message file, the worker reads it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_QUEUE_DIR / "messages"), "data_folder_out": str(_QUEUE_DIR / "messages"),
        "control_folder": str(_QUEUE_DIR / "control"), "processed_folder": str(_QUEUE_DIR / "processed"),
        "store_processed": False,
    }
    for _folder in ("messages", "control", "processed"):
        (_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True  # a job's state lives in its own row (e.g. roster.ImportJob)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# One long import must not hold back the messages behind it in a prefetch buffer.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker is one process running one task at a time (scale out with more worker processes): the processes of
# Celery's default prefork pool are daemonic, and a daemonic process may not start the roster import's own
# row-preparing process (roster.pipeline), so an import there would fail.
CELERY_WORKER_POOL = "solo"
CELERY_TASK_ACKS_LATE = True
# Periodic tasks, sent by `celery -A config beat` (quickstart runs one). stats.fold: see gonghui/stats/tasks.py.
CELERY_BEAT_SCHEDULE = {
    "stats-fold": {"task": "stats.fold", "schedule": 60.0},
    "audit-seal": {"task": "core.audit_seal", "schedule": 60.0},  # the hash chain (gonghui.core.audit_seal)
}

# --- audit log: hash chain and retention (issue 6 part 4; docs/operations.md) ----------------------------------
# The sealer chains events older than the lag (late commits of lower ids must have landed) and looks back this
# many minutes behind the newest sealed event for a late one; verify calls an event unsealed after lag + rescan
# an error.
GONGHUI_AUDIT_SEAL_LAG_SECONDS = env_int("GONGHUI_AUDIT_SEAL_LAG_SECONDS", 60)
GONGHUI_AUDIT_SEAL_RESCAN_MINUTES = env_int("GONGHUI_AUDIT_SEAL_RESCAN_MINUTES", 10)
# Audit events are kept at least 180 days (网络安全法 Art. 21(3), Art. 23(3) from 2026: logs kept ≥ 6 months);
# `gonghui audit purge` refuses anything younger, and a lower setting stops the server from starting.
GONGHUI_AUDIT_MIN_RETENTION_DAYS = 180
GONGHUI_AUDIT_RETENTION_DAYS = env_int("GONGHUI_AUDIT_RETENTION_DAYS", GONGHUI_AUDIT_MIN_RETENTION_DAYS)
if GONGHUI_AUDIT_RETENTION_DAYS < GONGHUI_AUDIT_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"GONGHUI_AUDIT_RETENTION_DAYS must be at least {GONGHUI_AUDIT_MIN_RETENTION_DAYS} (审计日志至少保存180天)")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No ID or phone number reaches a log line: every handler masks them (gonghui.core.logging).
    "filters": {"mask_personal_numbers": {"()": "gonghui.core.logging.MaskPersonalNumbers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_personal_numbers"]}},
    "root": {"handlers": ["console"], "level": env_str("GONGHUI_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
