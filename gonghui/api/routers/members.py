"""/api/v1/members: the real-name register as the caller may see it, personal numbers always masked."""
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from gonghui.api.pagination import PagePagination
from gonghui.api.schemas import ErrorOut, InvalidOut, MemberDetailOut, MemberOut
from gonghui.core.ratelimit import api_limits
from gonghui.members import selectors
from gonghui.members.unmask import member_unmask
from gonghui.orgs.selectors import org_get

router = Router(tags=["会员"])


class MemberFilters(Schema):
    q: str = ""
    org: int | None = None


@router.get("/members", response=list[MemberOut], url_name="member_list", summary="查找会员")
@paginate(PagePagination, count=False)
def member_list(request: HttpRequest, filters: Query[MemberFilters]):
    """`q`：姓名（包含）、姓名拼音首字母（如 zw 查到 张伟）或完整的身份证号；`org`：只查该工会及其下级。"""
    org = org_get(actor=request.auth, pk=filters.org) if filters.org is not None else None
    return selectors.member_search(actor=request.auth, query=filters.q, org=org)


@router.get("/members/{int:member_id}", response={200: MemberDetailOut, 401: ErrorOut, 404: ErrorOut},
            url_name="member_get", summary="会员详情")
def member_get(request: HttpRequest, member_id: int):
    return selectors.member_get(actor=request.auth, pk=member_id)


class UnmaskIn(Schema):
    reason: str = Field("", max_length=200, description="查看完整号码的理由（必填，记入审计日志）")


class UnmaskOut(Schema):
    id_number: str
    phone: str


@router.post("/members/{int:member_id}/unmask",
             response={200: UnmaskOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut, 429: ErrorOut},
             url_name="member_unmask", summary="查看完整证件号码和手机号",
             throttle=api_limits("unmask_user"))  # counted with the console page's (core.ratelimit)
def member_unmask_api(request: HttpRequest, member_id: int, payload: UnmaskIn):
    """会员所在工会（或其上级）的主席、工作人员，或会员本人，说明理由后可查看完整号码；每次查看都记入审计日志。"""
    member = selectors.member_get(actor=request.auth, pk=member_id)
    return member_unmask(member=member, reason=payload.reason, actor=request.auth)
