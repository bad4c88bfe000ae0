"""/api/v1/transfers: moving a member between unions (转会), and /api/v1/unions/search to find the target.

A transfer has two halves: the sending union (from_org) and the receiving union (to_org), each acting in its own
scope. The caller sees a transfer when either union is in their scope, or when it is their own; each answer
says which halves the caller holds (`halves`) and what they may do (`can_accept` …). Numbers stay masked.
"""
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict

from gonghui.api.pagination import PagePagination
from gonghui.api.schemas import ErrorOut, InvalidOut, OrgRef
from gonghui.core.labels import display
from gonghui.core.ratelimit import api_limits
from gonghui.joining import selectors_transfers as selectors
from gonghui.joining.choices import TransferStatus
from gonghui.joining.permissions import can_cancel_transfer, can_decide_transfer
from gonghui.joining.services import transfers as services
from gonghui.members.selectors import member_get, member_of_user

router = Router(tags=["转会"])

_READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
_WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut}
DIRECTIONS = {"incoming": selectors.transfers_incoming, "outgoing": selectors.transfers_outgoing,
              "": selectors.transfers_visible}


def _caller(context):
    return context["request"].auth


class TransferMemberOut(Schema):
    """The member as either half sees them while deciding: who they are, never their full numbers."""

    id: int
    name: str
    gender_label: str
    birth_date: date
    joined_on: date = Field(description="入会日期；转会后不变，会龄连续计算")
    employment_form_label: str
    id_number_masked: str = Field(description="脱敏后的证件号码")
    phone_masked: str = Field(description="脱敏后的手机号；未登记时为空")

    @staticmethod
    def resolve_gender_label(obj) -> str:
        return display(obj, "gender")

    @staticmethod
    def resolve_employment_form_label(obj) -> str:
        return display(obj, "employment_form") if obj.employment_form else ""


class TransferOut(Schema):
    id: int
    status: str = Field(description="requested=待接收，accepted=已接收，declined=已拒绝，cancelled=已撤销")
    status_label: str
    side: str = Field(description="member=会员本人申请，sending=转出工会发起")
    side_label: str
    member: TransferMemberOut
    from_org: OrgRef = Field(description="转出工会（只含名称）")
    to_org: OrgRef = Field(description="转入工会（只含名称）")
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decline_reason: str
    halves: list[str] = Field(description="调用者所在的一方：receiving=转入方，sending=转出方，member=会员本人")
    can_accept: bool = Field(description="调用者可以接收（转入工会的干部，且不是发起人）")
    can_decline: bool
    can_cancel: bool = Field(description="调用者可以撤销（发起方）")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return display(obj, "status")

    @staticmethod
    def resolve_side_label(obj) -> str:
        return display(obj, "side")

    @staticmethod
    def resolve_halves(obj, context) -> list[str]:
        return sorted(selectors.transfer_halves(_caller(context), obj))

    @staticmethod
    def resolve_can_accept(obj, context) -> bool:
        return obj.status == TransferStatus.REQUESTED and can_decide_transfer(_caller(context), obj)

    @staticmethod
    def resolve_can_decline(obj, context) -> bool:
        return obj.status == TransferStatus.REQUESTED and can_decide_transfer(_caller(context), obj)

    @staticmethod
    def resolve_can_cancel(obj, context) -> bool:
        return obj.status == TransferStatus.REQUESTED and can_cancel_transfer(_caller(context), obj)


class _In(Schema):
    # Unknown fields are refused: a client that sends `status` or `from_org` must learn it changed nothing.
    model_config = ConfigDict(extra="forbid")


class TransferRequestIn(_In):
    member: int | None = Field(None, description="会员 id；会员本人申请时可省略")
    to_org: int = Field(description="转入工会的 id（由 /unions/search 查得）")
    reason: str = Field("", max_length=200, description="转会原因")


class TransferDeclineIn(_In):
    reason: str = Field(max_length=200, description="拒绝原因（必填）")


class TransferFilters(Schema):
    direction: str = Field("", pattern="^(incoming|outgoing|)$",
                           description="incoming=转入本工会范围的，outgoing=从本工会范围转出的，不填为全部")
    status: str = Field("", pattern="^(open|closed|requested|accepted|declined|cancelled|)$",
                        description="open=待处理，closed=已办结，或具体状态")


class UnionOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area: str = Field(description="所在的市、县（区）总工会")


class UnionFilters(Schema):
    q: str = Field("", max_length=50, description="工会名称中的文字，至少两个字")
    exclude: int | None = Field(None, description="不列出该工会（通常是会员现在所在的工会）")


@router.post("/transfers", response={201: TransferOut, **_WRITE_ERRORS, 429: ErrorOut}, url_name="transfer_request",
             summary="发起转会", throttle=api_limits("apply_ip", "apply_user"))
def transfer_request(request: HttpRequest, payload: TransferRequestIn):
    """会员本人（可省略 `member`）或会员所在工会的干部发起；转入工会可以是任何地区的基层工会。"""
    if payload.member is not None:
        member = member_get(actor=request.auth, pk=payload.member)
    else:
        member = member_of_user(user=request.auth)
        if member is None:
            raise ValidationError({"member": _("您还不是工会会员，无法转会")})
    to_org = selectors.union_for_transfer(payload.to_org)
    transfer = services.transfer_request(member=member, to_org=to_org, actor=request.auth, reason=payload.reason)
    return Status(201, selectors.transfer_get(actor=request.auth, pk=transfer.pk))


@router.get("/transfers", response=list[TransferOut], url_name="transfer_list", summary="转会列表")
@paginate(PagePagination)
def transfer_list(request: HttpRequest, filters: Query[TransferFilters]):
    """`direction=incoming` 为待本工会范围接收的（待处理的在前），`outgoing` 为转出的；会员本人看到自己的转会。"""
    return DIRECTIONS[filters.direction](actor=request.auth, status=filters.status)


@router.get("/transfers/{int:transfer_id}", response={200: TransferOut, **_READ_ERRORS}, url_name="transfer_get",
            summary="转会详情")
def transfer_get(request: HttpRequest, transfer_id: int):
    return selectors.transfer_get(actor=request.auth, pk=transfer_id)


@router.post("/transfers/{int:transfer_id}/accept", response={200: TransferOut, **_WRITE_ERRORS},
             url_name="transfer_accept", summary="接收转会")
def transfer_accept(request: HttpRequest, transfer_id: int):
    """只有转入工会的干部可以接收；会员随即转入，入会日期不变。"""
    transfer = selectors.transfer_get(actor=request.auth, pk=transfer_id)
    services.transfer_accept(transfer=transfer, actor=request.auth)
    return selectors.transfer_get(actor=request.auth, pk=transfer_id)


@router.post("/transfers/{int:transfer_id}/decline", response={200: TransferOut, **_WRITE_ERRORS},
             url_name="transfer_decline", summary="拒绝转会")
def transfer_decline(request: HttpRequest, transfer_id: int, payload: TransferDeclineIn):
    transfer = selectors.transfer_get(actor=request.auth, pk=transfer_id)
    return services.transfer_decline(transfer=transfer, actor=request.auth, reason=payload.reason)


@router.post("/transfers/{int:transfer_id}/cancel", response={200: TransferOut, **_WRITE_ERRORS, 429: ErrorOut},
             url_name="transfer_cancel", summary="撤销转会", throttle=api_limits("apply_ip", "apply_user"))
def transfer_cancel(request: HttpRequest, transfer_id: int):
    """发起方（会员本人或转出工会）在对方处理前可以撤销。"""
    transfer = selectors.transfer_get(actor=request.auth, pk=transfer_id)
    return services.transfer_cancel(transfer=transfer, actor=request.auth)


@router.get("/unions/search", response={200: list[UnionOut], 401: ErrorOut}, url_name="union_search",
            summary="查找转入工会")
def union_search(request: HttpRequest, filters: Query[UnionFilters]):
    """按名称查找任何地区可以接收会员的工会（基层工会，及新就业形态的行业、区域工会），只返回公开信息。"""
    return selectors.union_search(query=filters.q, exclude=filters.exclude)
