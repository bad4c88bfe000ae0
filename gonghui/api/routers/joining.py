"""/api/v1/join: one-tap join (一键入会) for workers' apps, and the approval queue for cadres.

A worker signs in with their phone (SMS code), reads the privacy notice, finds their employer, asks for a join
code and applies; the union the application is routed to approves or rejects it. Personal numbers leave only
masked. Unsafe calls honour `Idempotency-Key` (gonghui.api.idempotency).
"""
from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, StrictInt

from gonghui.accounts.services import sms_code_send
from gonghui.api.pagination import PagePagination
from gonghui.api.schemas import ErrorOut, InvalidOut, MemberOut, OrgRef
from gonghui.core.labels import display
from gonghui.core.masking import mask_phone
from gonghui.core.ratelimit import api_limits
from gonghui.core.phone import InvalidPhone, normalize_phone
from gonghui.joining import selectors, services
from gonghui.joining.choices import ApplicationStatus
from gonghui.members.choices import EmploymentForm
from gonghui.orgs.selectors import org_get

router = Router(tags=["一键入会"])

_READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
_WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}
BULK_LIMIT = 200


def _codes(choices) -> str:
    return "，".join(f"{value}={label}" for value, label in choices.choices if value)


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- schemas ----------------------------------------------------------------------------------------------


class NoticeOut(Schema):
    purpose: str
    version: str = Field(description="提交申请时作为 consent_version 回传，表示同意的是这一版本")
    text: str
    published_at: datetime


class EmployerOut(Schema):
    id: int = Field(description="单位工会的 id，申请时作为 employer_org 提交")
    employer_name: str
    name: str = Field(description="工会名称")
    county_name: str = Field(description="所在县（区）总工会")


class SmsCodeIn(_In):
    phone: str = Field(max_length=20, description="接收验证码的手机号")


class SmsCodeOut(Schema):
    detail: str
    phone_masked: str


class JoinApplyIn(_In):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=32, description="18位公民身份号码")
    phone: str = Field(max_length=20)
    sms_code: str = Field(max_length=12, description="POST /join/sms-code 发送到该手机号的验证码")
    consent_version: str = Field(max_length=16, description="同意的个人信息处理告知版本（GET /join/notice）")
    employer_org: int | None = Field(None, description="所在单位的基层工会 id（GET /join/employers 查找）；没有则不填")
    employer_name: str = Field("", max_length=200)
    employment_form: str = Field("", description=_codes(EmploymentForm))
    platform_company: str = Field("", max_length=100)
    work_division_code: str = Field("", max_length=12, description="工作所在地行政区划代码（区县6位，乡镇街道9位）")


class ApplicationOut(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    status: str
    status_label: str
    routed_org: OrgRef = Field(description="受理工会")
    route_reason: str
    route_reason_label: str
    employer_name: str
    employment_form: str
    employment_form_label: str
    platform_company: str
    work_division_code: str
    submitted_at: datetime
    due_on: date = Field(description="承诺办结日期（按工作日计，已扣除节假日）")
    decided_at: datetime | None
    reject_reason: str
    member_id: int | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return display(obj, "status")

    @staticmethod
    def resolve_route_reason_label(obj) -> str:
        return display(obj, "route_reason")

    @staticmethod
    def resolve_employment_form_label(obj) -> str:
        return display(obj, "employment_form") if obj.employment_form else ""


class QueueItemOut(ApplicationOut):
    overdue: bool = Field(description="已超过承诺办结日期仍未办理")


class QueueFilters(Schema):
    status: str = Field(ApplicationStatus.PENDING, description=_codes(ApplicationStatus) + "；为空列出全部")
    org: int | None = Field(None, description="只列该工会及其下级受理的申请")


class ApproveOut(Schema):
    application: ApplicationOut
    member: MemberOut


class RejectIn(_In):
    reason: str = Field(max_length=200, description="不予批准的原因，将以短信告知申请人")


class BulkIn(_In):
    # Strict: JSON true/false are not ids (lax pydantic would read false as 0).
    ids: list[StrictInt] = Field(max_length=BULK_LIMIT, description=f"申请 id，最多{BULK_LIMIT}个")


class BulkResultOut(Schema):
    id: int
    ok: bool
    message: str


class BulkOut(Schema):
    results: list[BulkResultOut]


# --- public: notice and employer search -------------------------------------------------------------------


@router.get("/join/notice", auth=None, response=NoticeOut, url_name="join_notice", summary="入会个人信息处理告知")
def join_notice(request: HttpRequest):
    return services.privacy_notice_current()


@router.get("/join/employers", auth=None, response={200: list[EmployerOut], 422: InvalidOut},
            url_name="join_employers", summary="查找所在单位的工会")
def join_employers(request: HttpRequest, q: str = "", limit: int = Query(10, ge=1, le=50)):
    """`q`：单位名称中的至少2个字，或完整的18位统一社会信用代码。只返回公开信息。"""
    return selectors.employer_search(query=q, limit=limit)


# --- the worker's side ------------------------------------------------------------------------------------


@router.post("/join/sms-code", response={200: SmsCodeOut, **_WRITE_ERRORS, 429: ErrorOut}, url_name="join_sms_code",
             summary="发送入会验证码", throttle=api_limits("sms_ip", "sms_phone"))
def join_sms_code(request: HttpRequest, payload: SmsCodeIn):
    sms_code_send(phone=payload.phone, purpose=services.applications.SMS_PURPOSE)
    try:
        masked = mask_phone(normalize_phone(payload.phone))
    except InvalidPhone:  # pragma: no cover - sms_code_send refused it already
        masked = ""
    return {"detail": _("验证码已发送，请查收短信"), "phone_masked": masked}


@router.post("/join/applications", response={201: ApplicationOut, **_WRITE_ERRORS, 429: ErrorOut},
             url_name="join_apply", summary="提交入会申请", throttle=api_limits("join_ip", "join_user"))
def join_apply(request: HttpRequest, payload: JoinApplyIn):
    fields = payload.model_dump()
    employer_id = fields.pop("employer_org")
    employer = selectors.employer_union_get(employer_id) if employer_id is not None else None
    application = services.join_apply(applicant=request.auth, employer_org=employer, actor=request.auth, **fields)
    return Status(201, application)


@router.get("/join/applications/mine", response={200: list[ApplicationOut], 401: ErrorOut},
            url_name="join_my_applications", summary="我的入会申请")
def join_my_applications(request: HttpRequest):
    return list(selectors.my_applications(user=request.auth))


@router.get("/join/applications/{int:application_id}", response={200: ApplicationOut, **_READ_ERRORS},
            url_name="join_application_get", summary="入会申请详情")
def join_application_get(request: HttpRequest, application_id: int):
    return selectors.join_application_get(actor=request.auth, pk=application_id)


@router.post("/join/applications/{int:application_id}/withdraw",
             response={200: ApplicationOut, **_WRITE_ERRORS, 429: ErrorOut}, url_name="join_withdraw",
             summary="撤回入会申请", throttle=api_limits("apply_ip", "apply_user"))
def join_withdraw(request: HttpRequest, application_id: int):
    """申请人本人撤回尚在审批中的入会申请；撤回后可重新申请（例如改投其他工会）。"""
    application = selectors.join_application_get(actor=request.auth, pk=application_id)
    return services.join_withdraw(application=application, actor=request.auth)


# --- the cadre's side -------------------------------------------------------------------------------------


@router.get("/join/queue", response=list[QueueItemOut], url_name="join_queue", summary="入会审批队列")
@paginate(PagePagination)
def join_queue(request: HttpRequest, filters: Query[QueueFilters]):
    """受理范围内的入会申请，先交先办；`overdue` 标出已超过承诺办结日期的申请。"""
    org = org_get(actor=request.auth, pk=filters.org) if filters.org is not None else None
    return selectors.join_queue(actor=request.auth, status=filters.status, org=org)


@router.post("/join/applications/{int:application_id}/approve", response={200: ApproveOut, **_WRITE_ERRORS},
             url_name="join_approve", summary="批准入会申请")
def join_approve(request: HttpRequest, application_id: int):
    application = selectors.join_application_get(actor=request.auth, pk=application_id)
    member = services.join_approve(application=application, actor=request.auth)
    application.refresh_from_db()
    return {"application": application, "member": member}


@router.post("/join/applications/{int:application_id}/reject", response={200: ApplicationOut, **_WRITE_ERRORS},
             url_name="join_reject", summary="不予批准入会申请")
def join_reject(request: HttpRequest, application_id: int, payload: RejectIn):
    application = selectors.join_application_get(actor=request.auth, pk=application_id)
    return services.join_reject(application=application, reason=payload.reason, actor=request.auth)


@router.post("/join/approve-bulk", response={200: BulkOut, **_WRITE_ERRORS}, url_name="join_approve_bulk",
             summary="批量批准入会申请")
def join_approve_bulk(request: HttpRequest, payload: BulkIn):
    """每个申请单独办理：一个未通过不影响其他；范围外的 id 与不存在的一样报“未找到”。"""
    results = services.join_approve_bulk(application_ids=payload.ids, actor=request.auth)
    return {"results": [{"id": pk, "ok": ok, "message": message} for pk, ok, message in results]}
