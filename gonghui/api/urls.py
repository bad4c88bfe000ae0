"""The API for apps and mini-programs: /api/v1/, documented at /api/v1/docs (served offline)."""
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from gonghui.api import errors, idempotency
from gonghui.api.auth import api_token_auth, session_auth
from gonghui.api.docs import OfflineSwagger
from gonghui.api.http import no_store
from gonghui.api.openapi import add_common_responses
from gonghui.api.routers import joining, ping
from gonghui.api.routers import cards, me, members, orgs, stats, transfers

DESCRIPTION = """工会平台接口。

认证：在请求头中携带 `Authorization: Bearer gh_…`（令牌由管理员以 `gonghui api_token create 用户名 --name 用途` 生成，
只显示一次）；已登录后台或门户的浏览器也可直接调用（修改类请求需带 CSRF 令牌）。

范围：所有数据都限于调用者有权查看的工会组织范围，范围外的记录与不存在的记录一样返回 404。
身份证号和手机号只以脱敏形式返回。

重试：修改类请求（POST、PATCH 等）可带请求头 `Idempotency-Key: <不超过128个字符的唯一值>`。同一调用者用同一键重发同一请求时，
返回第一次的结果而不再执行（响应头 `Idempotent-Replayed: true`）；同一键用于不同请求返回 422；第一次请求尚未完成时返回 409。
"""


class Utf8JSONRenderer(JSONRenderer):
    # Chinese as UTF-8, not \uXXXX escapes: a third of the bytes, and readable in a log or a terminal.
    json_dumps_params = {"ensure_ascii": False}


class GonghuiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The URL name (org_list, member_get …) is stable and short; ninja's default spells the module path.
        return getattr(operation, "url_name", None) or super().get_openapi_operation_id(operation)

    def get_openapi_schema(self, *args, **kwargs):
        # The API-wide error answers (400, 401, 404, 409, 422, 429, 503) are declared on every operation.
        return add_common_responses(super().get_openapi_schema(*args, **kwargs))


api = GonghuiAPI(
    title="gonghui 工会 API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[api_token_auth, session_auth],
    docs=OfflineSwagger(),
    renderer=Utf8JSONRenderer(),
)
errors.install(api)
# Every answer is one caller's view of scoped, often personal data: no shared or browser cache may keep it.
api.add_decorator(no_store, mode="view")
# A retried write with the same Idempotency-Key gets the first answer and changes nothing.
idempotency.install(api)
# A write refused after its database connection failed answers 503, never a misleading 4xx (errors.py).
api.add_decorator(errors.database_guard, mode="operation")
api.add_router("", orgs.router)
api.add_router("", members.router)
api.add_router("", me.router)
api.add_router("", transfers.router)
api.add_router("", cards.router)
api.add_router("", joining.router)
api.add_router("", stats.router)
api.add_router("", ping.router)
