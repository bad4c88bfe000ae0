"""/api/v1/members: the real-name register as the caller may see it, personal numbers always masked."""
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from gonghui.api.pagination import PagePagination
from gonghui.api.schemas import ErrorOut, MemberDetailOut, MemberOut
from gonghui.members import selectors
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
