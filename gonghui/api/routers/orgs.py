"""/api/v1/orgs: the union tree as the caller may see it. Out of scope answers 404, like missing."""
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gonghui.api.pagination import PagePagination
from gonghui.api.schemas import (
    ErrorOut, InvalidOut, OrgChildrenOut, OrgCreateIn, OrgDetailOut, OrgOut, OrgUpdateIn,
)
from gonghui.orgs import selectors, services

router = Router(tags=["工会组织"])

CHILDREN_LIMIT = 500
_READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
_WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut}


class OrgFilters(Schema):
    parent: int | None = None
    kind: str = ""
    q: str = ""


def _detail(org):
    org.subtree_member_count = selectors.subtree_member_count(org)
    return org


@router.get("/orgs", response=list[OrgOut], url_name="org_list", summary="工会组织列表")
@paginate(PagePagination)
def org_list(request: HttpRequest, filters: Query[OrgFilters]):
    """可见范围内的工会组织。`parent` 只列该工会的直接下级；`q` 按名称、组织编码或统一社会信用代码查找。"""
    parent = selectors.org_get(actor=request.auth, pk=filters.parent) if filters.parent is not None else None
    return selectors.org_list(actor=request.auth, parent=parent, kind=filters.kind, query=filters.q)


@router.get("/orgs/{int:org_id}", response={200: OrgDetailOut, **_READ_ERRORS}, url_name="org_get",
            summary="工会组织详情")
def org_get(request: HttpRequest, org_id: int):
    return _detail(selectors.org_get(actor=request.auth, pk=org_id))


@router.get("/orgs/{int:org_id}/children", response={200: OrgChildrenOut, **_READ_ERRORS},
            url_name="org_children", summary="下级工会及其会员数")
def org_children(request: HttpRequest, org_id: int):
    org = selectors.org_get(actor=request.auth, pk=org_id)
    rows = selectors.children_with_counts(actor=request.auth, org=org, limit=CHILDREN_LIMIT + 1)
    return {"items": rows[:CHILDREN_LIMIT], "has_more": len(rows) > CHILDREN_LIMIT}


@router.post("/orgs", response={201: OrgDetailOut, **_WRITE_ERRORS}, url_name="org_create",
             summary="在上级工会下建立工会组织")
def org_create(request: HttpRequest, payload: OrgCreateIn):
    fields = payload.model_dump()
    parent = selectors.org_get(actor=request.auth, pk=fields.pop("parent"))
    org = services.org_create(parent=parent, actor=request.auth, **fields)
    return Status(201, _detail(org))


@router.patch("/orgs/{int:org_id}", response={200: OrgDetailOut, **_WRITE_ERRORS}, url_name="org_update",
              summary="修改工会组织信息")
def org_update(request: HttpRequest, org_id: int, payload: OrgUpdateIn):
    org = selectors.org_get(actor=request.auth, pk=org_id)
    org = services.org_update(org=org, actor=request.auth, **payload.model_dump(exclude_unset=True))
    return _detail(org)
