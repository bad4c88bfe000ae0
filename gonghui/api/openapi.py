"""The answers every operation can give besides its own, written into the OpenAPI schema once for all.

The API-wide handlers (gonghui.api.errors, .idempotency, the unmatched-path fallback) answer any operation with
`{"detail": "…"}` on a body that is not JSON (400), a missing or bad token (401), an object out of scope or
missing (404), a request that fails validation (422), a retry whose first request is still running (409), a
rate limit (429) or a database that is briefly unreachable (503). An integer in a path is at least 0, as the
URL pattern requires. A client generated from the schema, and
schemathesis' conformance checks, must know them all; declaring them by hand on each of ~30 operations drifts.
"""
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
INVALID_REF = {"$ref": "#/components/schemas/InvalidOut"}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})

_DESCRIPTIONS = {
    "400": "请求内容无法解析（不是JSON）",
    "401": "未登录或访问令牌无效",
    "404": "未找到（范围外的记录与不存在的记录同样答复）",
    "409": "使用同一幂等键的请求正在处理中",
    "422": "提交的内容有误",
    "429": "请求过于频繁",
    "503": "服务暂时不可用，请稍后重试",
}


def _response(code: str, schema: dict) -> dict:
    return {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def add_common_responses(schema: dict) -> dict:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", {"title": "ErrorOut", "type": "object", "required": ["detail"],
                                       "properties": {"detail": {"title": "Detail", "type": "string"}}})
    components.setdefault("InvalidOut", {
        "title": "InvalidOut", "type": "object", "required": ["detail", "errors"],
        "properties": {"detail": {"title": "Detail", "type": "string"},
                       "errors": {"title": "Errors", "type": "object",
                                  "additionalProperties": {"type": "array", "items": {"type": "string"}}}}})
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", ()):
                # Django's `int` path converter matches digits only: `/orgs/-1` reaches no operation (404).
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"].setdefault("minimum", 0)
            # ninja keys its own answers by integer (401) and these are strings ("401"): both would be written as
            # the JSON key "401", and Swagger UI's parser refuses a document with a repeated key (/api/v1/docs
            # drew nothing). One kind of key, the operation's own answer first.
            responses = operation["responses"] = {str(code): answer
                                                  for code, answer in operation.get("responses", {}).items()}
            common = {"404": ERROR_REF, "422": INVALID_REF, "429": ERROR_REF, "503": ERROR_REF}
            if operation.get("security"):
                common["401"] = ERROR_REF
            if "requestBody" in operation:
                common["400"] = ERROR_REF
            if method in WRITE_METHODS:
                common["409"] = ERROR_REF
            for code, ref in common.items():
                responses.setdefault(code, _response(code, ref))
    return schema
