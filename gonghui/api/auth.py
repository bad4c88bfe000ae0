"""Who is calling: an app with a bearer token, or a signed-in browser session of the console or portal.

Both hand the views a `User`, found on `request.auth`; every query then starts from what that user may see.
"""
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from gonghui.accounts.models import ApiToken
from gonghui.accounts.selectors import token_with_user
from gonghui.accounts.services import token_hash

TOKEN_PREFIX = "gh_"
# last_used_at is written at most this often per token: a write on every request would turn each read of
# the API into a write (and, on SQLite, queue every reader behind the one writer).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer gh_…`, made by `gonghui api_token create`. Only the token's hash is stored."""

    def authenticate(self, request, token: str):
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX):
            return None
        found = token_with_user(token_hash(token))
        now = timezone.now()
        if found is None:
            return None
        row, user = found
        if row.revoked or (row.expires_at is not None and row.expires_at <= now) or not user.is_active:
            return None
        if user.duty:
            return None  # administrators (三员) work in the console behind TOTP; a token would skip it
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            # Bookkeeping, not a change of the token: conditional so that concurrent requests write once.
            ApiToken.objects.filter(pk=row.id).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        # Code below the API (middleware, audit, templates) reads request.user, as for a session.
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of the console and portal pages, CSRF-checked for unsafe methods.

    Unlike ninja's `django_auth`, CSRF is checked only once a signed-in session is found, so an anonymous
    request gets 401 (not a CSRF 403), and a request that carries a bearer token is left to the token alone:
    a wrong token is never rescued by a cookie the browser happened to send.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request):
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # As in the console (gonghui.console.decorators): an administrator (三员) reads no member and so has
        # no business in the API, which serves the business roles.
        if user.duty:
            raise HttpError(403, _("管理员账号不能调用业务接口"))
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, _("页面已过期或请求来源不明（CSRF校验失败），请刷新页面后重试"))
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ decides
        return None


api_token_auth = ApiTokenAuth()
session_auth = SessionAuth()
