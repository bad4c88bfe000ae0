"""Every error of the API as `{"detail": "<中文>"}`, and 422 with `"errors": {"field": ["…"]}` as well.

Out of scope answers exactly like missing (ARCHITECTURE.md rule 2): Http404 has one body, whatever its cause.
"""
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError as NinjaValidationError

from gonghui.core.ratelimit import api_message

NON_FIELD = "__all__"


def install(api) -> None:
    api.add_exception_handler(Http404, lambda request, exc: _respond(api, request, 404, _("未找到")))
    api.add_exception_handler(PermissionDenied, lambda request, exc: _respond(
        api, request, 403, str(exc) or _("无权执行此操作")))
    api.add_exception_handler(AuthenticationError, _authentication_error(api))
    api.add_exception_handler(HttpError, _http_error(api))
    api.add_exception_handler(DjangoValidationError, lambda request, exc: _invalid(
        api, request, _django_errors(exc)))
    api.add_exception_handler(NinjaValidationError, lambda request, exc: _invalid(
        api, request, _request_errors(exc.errors)))
    # An id past the database's integer range (/members/43149682500866875392) names no row: SQLite's driver
    # raises OverflowError before asking, PostgreSQL simply finds nothing. Found by tests/test_schemathesis.py.
    api.add_exception_handler(OverflowError, lambda request, exc: _respond(api, request, 404, _("未找到")))
    api.add_exception_handler(OperationalError, _database_unavailable(api))
    api.add_exception_handler(InterfaceError, _database_unavailable(api))


# Seconds a client should wait before retrying when the database connection was lost mid-request.
RETRY_AFTER = 5
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _DatabaseErrors:
    """An execute wrapper that notes whether any statement of the request failed with a lost connection."""

    failed = False

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError):
            self.failed = True
            raise


def database_guard(run):
    """A refusal of a write after the database failed under it is not trusted: the answer is 503.

    Django swallows a database error inside a conditional unique constraint's check (Q.check answers "true"),
    so a lost connection during `full_clean` reads as "this credit code already has a union" (422). Stored under
    an Idempotency-Key, that answer would be replayed on every retry. Found by tests/test_faults.py.
    """

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        if request.method not in UNSAFE_METHODS:
            return run(request, *args, **kwargs)
        watch = _DatabaseErrors()
        try:
            with connection.execute_wrapper(watch):
                return run(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            raise
        except Exception as exc:
            if watch.failed:
                raise OperationalError("the database failed earlier in this request") from exc
            raise

    return wrapper


def _database_unavailable(api):
    """The database connection was lost (killed, restarted, locked): the transaction rolled back, nothing was
    saved, and the client may retry, with the same Idempotency-Key, after a moment (tests/test_faults.py)."""

    def handler(request, exc):
        response = _respond(api, request, 503, _("服务暂时不可用，本次操作未保存，请稍后重试"))
        response["Retry-After"] = str(RETRY_AFTER)
        return response

    return handler


@csrf_exempt  # it changes nothing; an unsafe method must get this 404 too, not the CSRF page
def not_found(request, rest: str = ""):
    """A path under /api/ that no operation matches (`/api/v1/orgs/-1`): JSON like every other API answer."""
    response = JsonResponse({"detail": _("未找到")}, status=404, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store, private"
    return response


def _respond(api, request, status: int, detail: str, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def _authentication_error(api):
    def handler(request, exc):
        response = _respond(api, request, 401, _("未登录或访问令牌无效，请先登录或提供有效的访问令牌"))
        response["WWW-Authenticate"] = 'Bearer realm="gonghui"'
        return response

    return handler


def _http_error(api):
    def handler(request, exc):
        # ninja's own 400 is the one English message it raises: a body that is not JSON.
        detail = _("请求内容无法解析，请提交 JSON") if exc.status_code == 400 else str(exc)
        if isinstance(exc, Throttled):  # a rate limit (gonghui.core.ratelimit): ninja's message is English
            detail = api_message(exc.wait)
        return _respond(api, request, exc.status_code, detail)

    return handler


def _invalid(api, request, errors: dict[str, list[str]]):
    non_field = errors.get(NON_FIELD)
    detail = non_field[0] if non_field else _("提交的内容有误，请按提示修改")
    return _respond(api, request, 422, detail, errors=errors)


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def _request_errors(errors: list[dict]) -> dict[str, list[str]]:
    """Pydantic's English errors of a request that could not be parsed, named by field and said in Chinese."""
    result: dict[str, list[str]] = {}
    for error in errors:
        result.setdefault(_field_of(error.get("loc", ())), []).append(_message_of(error))
    return result


def _field_of(loc) -> str:
    # ninja's loc is (source, [parameter,] field…): ("body", "payload", "name"), ("query", "page").
    parts = [str(p) for p in loc[1:]]
    if loc and loc[0] == "body" and parts:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD


def _message_of(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("该字段为必填项")
    if kind == "extra_forbidden":
        return _("不能提交或修改这个字段")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("请输入整数")
    if kind in ("bool_parsing", "bool_type"):
        return _("请输入 true 或 false")
    if kind in ("string_type",):
        return _("请输入文本")
    if kind.startswith("date"):
        return _("日期格式应为 YYYY-MM-DD")
    if kind in ("greater_than_equal", "greater_than"):
        return _("不能小于%(limit)s") % {"limit": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("不能大于%(limit)s") % {"limit": ctx.get("le", ctx.get("lt", ""))}
    if kind == "string_too_long":
        return _("不能超过%(limit)s个字符") % {"limit": ctx.get("max_length", "")}
    if kind in ("json_invalid", "model_attributes_type", "model_type", "dict_type"):
        return _("请求内容不是有效的JSON对象")
    return _("该值无效")
