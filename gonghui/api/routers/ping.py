"""/api/v1/ping: the cheapest answer the API can give, the reference of bench/join.py (no database, no auth)."""
from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["运行状态"])


class PingOut(Schema):
    ok: bool


@router.get("/ping", auth=None, response=PingOut, url_name="ping", summary="接口是否在运行")
def ping(request: HttpRequest):
    return {"ok": True}
