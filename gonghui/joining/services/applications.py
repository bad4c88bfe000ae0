"""One-tap join (一键入会): a worker applies, the union the application is routed to decides.

Every write to a JoinApplication goes through these functions (ARCHITECTURE.md rule 1). The database keeps
the invariant that matters under load: at most one pending application per person, by the partial unique
index `join_one_pending_per_person`. The checks before the insert only give the worker a better message;
fifty taps at once end in one row because of the index, whatever the interleaving.
"""
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import PrivacyNotice
from gonghui.accounts.selectors import NOTICE_MAX_AGE, notice_newest
from gonghui.accounts.services import consent_give, sms_code_verify
from gonghui.core import audit, crypto, idnumber
from gonghui.core.masking import mask_id_number
from gonghui.core.phone import InvalidPhone, normalize_phone
from gonghui.core.prepared import PreparedQuery, insert
from gonghui.core.sms import send_sms
from gonghui.joining import notice as join_notice
from gonghui.joining.choices import ApplicationStatus
from gonghui.joining.models import JoinApplication
from gonghui.joining.permissions import can_decide_application, can_withdraw_application
from gonghui.joining.routing import join_route
from gonghui.joining.workdays import due_date
from gonghui.members.choices import EmploymentForm
from gonghui.members.models import Member
from gonghui.members.records import id_number_index
from gonghui.members.services import REJOINABLE, member_join
from gonghui.orgs.models import Org

SMS_PURPOSE = "join"
_FORMS = frozenset(value for value in EmploymentForm.values if value)


def _day(value: date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def application_snapshot(application: JoinApplication) -> dict:
    """What audit events keep of an application: masked numbers only."""
    return {
        "name": application.name, "id_number": application.id_number_masked, "phone": application.phone_masked,
        "routed_org_id": application.routed_org_id, "route_reason": application.route_reason,
        "status": application.status, "due_on": application.due_on.isoformat() if application.due_on else None,
        "consent_id": application.consent_id, "member_id": application.member_id,
    }


# --- the privacy notice ----------------------------------------------------------------------------------


def privacy_notice_current(purpose: str = join_notice.PURPOSE) -> PrivacyNotice:
    """The newest notice version for `purpose`; version 1 of the join notice is stored on first use."""
    current = PrivacyNotice.objects.filter(purpose=purpose).order_by("-published_at", "-pk").first()
    if current is not None:
        return current
    if purpose != join_notice.PURPOSE:
        raise LookupError(f"no privacy notice for {purpose!r}")
    try:
        with transaction.atomic():
            return PrivacyNotice.objects.create(purpose=purpose, version=join_notice.VERSION,
                                                text=str(join_notice.TEXT))
    except IntegrityError:
        # Two first applications at once: the unique (purpose, version) let one store it.
        return PrivacyNotice.objects.get(purpose=purpose, version=join_notice.VERSION)


# --- applying ------------------------------------------------------------------------------------------


def join_apply(*, applicant, name: str, id_number: str, phone: str, sms_code: str, consent_version: str,
               employer_org: Org | None = None, employer_name: str = "", employment_form: str = "",
               platform_company: str = "", work_division_code: str = "", actor=None) -> JoinApplication:
    """Apply to join. Raises ValidationError (Chinese, by field) naming what is wrong; sends an SMS after commit.

    Order matters: everything the worker can correct is checked before the SMS code is consumed, so a typo
    in the ID number does not cost a new code.
    """
    if applicant is None or not getattr(applicant, "is_authenticated", False):
        raise PermissionDenied(_("请先用手机号登录后再申请入会"))
    actor = actor if actor is not None else applicant
    name = "".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    if len(name) > 50:
        raise ValidationError({"name": _("姓名不能超过50个字")})
    try:
        parsed = idnumber.parse(id_number)
    except idnumber.InvalidIdNumber as exc:
        raise ValidationError({"id_number": exc.message}) from None
    try:
        phone = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ValidationError({"phone": exc.message}) from None
    if employment_form and employment_form not in _FORMS:
        raise ValidationError({"employment_form": _("请从列表中选择就业形态")})
    employer_name, platform_company = employer_name.strip(), platform_company.strip()
    if len(employer_name) > 200 or len(platform_company) > 100:
        raise ValidationError({"employer_name": _("单位或平台名称过长")})
    # Only the id and version: the text (a page of Chinese) is read when the notice is shown, not here. This
    # process's reading of up to a minute ago will do (accounts.selectors.NOTICE_MAX_AGE): a new version takes
    # effect within that minute; a version that differs from it is checked against the database before it is
    # refused, so a worker who has read a newer notice is never turned away.
    if not consent_version:
        raise ValidationError({"consent_version": _("请阅读并同意个人信息处理告知")})
    notice = notice_newest(join_notice.PURPOSE, max_age=NOTICE_MAX_AGE)
    if notice is None or str(consent_version) != notice.version:
        notice = notice_newest(join_notice.PURPOSE) or privacy_notice_current()
    if str(consent_version) != notice.version:
        raise ValidationError({"consent_version": _(
            "个人信息处理告知已更新（第%(v)s版），请阅读后重新同意") % {"v": notice.version}})

    id_hash = id_number_index(parsed.value)
    _refuse_members(id_hash, parsed.value)
    # No check for a pending application here: the partial unique index refuses it below, and only then is
    # the friendly message (where, by when) looked up. A check first would cost every application a query
    # and still need the index for two taps at once.
    routed_org, reason = join_route(employer_org=employer_org, employment_form=employment_form,
                                    work_division_code=work_division_code)
    if employer_org is not None and not employer_name:
        employer_name = routed_org.employer_name or routed_org.name

    today = timezone.localdate()
    application = JoinApplication(
        applicant=applicant, name=name,
        id_number_enc=crypto.encrypt(parsed.value, context=b"id_number"), id_number_hash=id_hash,
        birth_date=parsed.birth_date, gender=parsed.gender, division_code=parsed.division_code,
        phone_enc=crypto.encrypt(phone, context=b"phone"), phone_hash=crypto.blind_index(phone, purpose="phone"),
        employer_org=routed_org if employer_org is not None else None, employer_name=employer_name,
        employment_form=employment_form, platform_company=platform_company,
        work_division_code=str(work_division_code or "").strip(), routed_org=routed_org, route_reason=reason,
        due_on=due_date(today, routed_org.join_decision_days),
    )
    code_error = None
    # The code is consumed in the application's own transaction: one commit per application, not two (a commit
    # is a WAL flush, the dearest step of the request), and a duplicate refused by the index below gives the
    # worker their code back. A wrong code must still count, so its refusal leaves this block normally (the
    # counted attempt commits) and is raised after it.
    with transaction.atomic():
        try:
            sms_code_verify(phone=phone, code=str(sms_code or ""), purpose=SMS_PURPOSE)
        except ValidationError as exc:
            code_error = exc
        if code_error is None:
            application.consent = consent_give(user=applicant, notice=notice)
            # A second pending application of the person is refused by the partial unique index; ON CONFLICT
            # DO NOTHING keeps the transaction usable without a savepoint (two round trips less), and raising
            # the refusal then undoes the consent and the code's use with it.
            if insert(application, skip_conflict=True) is None:
                raise _pending_refusal(id_hash)
            audit.record(actor=actor, action="join.apply", obj=application, org_path=routed_org.path,
                         after=application_snapshot(application))
            text = _("【工会】已收到您的入会申请，由%(org)s受理，将于%(day)s前办结。") % {
                "org": routed_org.name, "day": _day(application.due_on)}
            transaction.on_commit(lambda: send_sms(phone, text))
    if code_error is not None:
        messages = code_error.message_dict if hasattr(code_error, "error_dict") else {"sms_code": code_error.messages}
        raise ValidationError({"sms_code": [m for ms in messages.values() for m in ms]})
    return application


# The status and union id only: a join with the unions to name one would be planned on every application
# (the dearest read of the request on the database side), and only the refusal names the union.
_MEMBER_BY_ID = PreparedQuery(
    lambda p: Member.objects.filter(id_number_hash=p.id_hash).values_list("status", "org_id")[:1],
    strings=("id_hash",))


def _refuse_members(id_hash: str, id_value: str) -> None:
    rows = _MEMBER_BY_ID.rows(id_hash=id_hash)
    member = rows[0] if rows else None
    if member is not None and member[0] not in REJOINABLE:
        org_name = Org.objects.filter(pk=member[1]).values_list("name", flat=True).first()
        raise ValidationError({"id_number": _("此人（%(id)s）已是“%(org)s”的会员，无需重复申请入会") % {
            "id": mask_id_number(id_value), "org": org_name}})


def _pending_refusal(id_hash: str) -> ValidationError:
    """The refusal of a second pending application, naming the union that has the first and its due date.

    Called after the index refused the row, so the other application has committed and is visible now.
    """
    pending = (JoinApplication.objects.filter(id_number_hash=id_hash, status=ApplicationStatus.PENDING)
               .values_list("routed_org__name", "due_on").first())
    if pending is None:  # withdrawn or decided in the meantime
        return ValidationError({"id_number": _("已有一份入会申请正在审批中")})
    return ValidationError({"id_number": _(
        "已有一份入会申请正在审批中：由%(org)s受理，将于%(day)s前办结，请耐心等待") % {
        "org": pending[0], "day": _day(pending[1])}})


# --- deciding ------------------------------------------------------------------------------------------


def _locked(application: JoinApplication, actor, *, check) -> JoinApplication:
    """The application row, locked until the transaction ends, after the permission and state checks.

    The lock is what makes ten approvals racing for one application end in one member: each waits here
    for the one before it, then finds the application no longer pending.
    """
    locked = JoinApplication.objects.select_for_update().get(pk=application.pk)
    if not check(actor, locked):
        raise PermissionDenied(_("无权处理该入会申请"))
    if locked.status != ApplicationStatus.PENDING:
        raise ValidationError(_("该入会申请已处理（%(status)s），不能重复操作") % {
            "status": locked.get_status_display()})
    return locked


@transaction.atomic
def join_approve(*, application: JoinApplication, actor) -> Member:
    """Approve: the member, their join event and e-card are made in this one transaction, or nothing is."""
    application = _locked(application, actor, check=can_decide_application)
    before = application_snapshot(application)
    applicant = application.applicant
    link_user = {}
    # The worker who applied sees their card under 我的会员卡 only if the member row points at their account;
    # a cadre account never doubles as a member's login (accounts.services.role_grant says why).
    if not applicant.is_cadre and not Member.objects.filter(user=applicant).exists():
        link_user = {"user": applicant}
    member = member_join(
        org=application.routed_org, name=application.name,
        id_number=crypto.decrypt(application.id_number_enc, context=b"id_number"),
        phone=application.phone, joined_on=timezone.localdate(), actor=actor,
        employment_form=application.employment_form, platform_company=application.platform_company,
        work_unit=application.employer_name, **link_user,
    )
    application.status = ApplicationStatus.APPROVED
    application.member = member
    application.decided_by = actor if getattr(actor, "pk", None) else None
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "member", "decided_by", "decided_at"])
    audit.record(actor=actor, action="join.approve", obj=application, org_path=application.routed_org.path,
                 before=before, after=application_snapshot(application))
    phone = application.phone
    text = _("【工会】您的入会申请已批准，电子会员卡已可在“我的会员卡”查看。")
    transaction.on_commit(lambda: send_sms(phone, text))
    return member


@transaction.atomic
def join_reject(*, application: JoinApplication, reason: str, actor) -> JoinApplication:
    """Do not approve; the reason is required and is sent to the worker."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("请填写不予批准的原因")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("原因不能超过200个字")})
    application = _locked(application, actor, check=can_decide_application)
    before = application_snapshot(application)
    application.status = ApplicationStatus.REJECTED
    application.reject_reason = reason
    application.decided_by = actor if getattr(actor, "pk", None) else None
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    audit.record(actor=actor, action="join.reject", obj=application, org_path=application.routed_org.path,
                 before=before, after=application_snapshot(application) | {"reason": reason})
    phone = application.phone
    text = _("【工会】您的入会申请未获批准，原因：%(reason)s。如有疑问请联系%(org)s。") % {
        "reason": reason, "org": application.routed_org.name}
    transaction.on_commit(lambda: send_sms(phone, text))
    return application


def join_approve_bulk(*, application_ids, actor) -> list[tuple[int, bool, str]]:
    """Approve several; each in its own transaction, so one refusal does not undo the others.

    Ids outside the actor's scope are reported exactly like missing ones and nothing happens to them.
    """
    from gonghui.joining.selectors import join_queue

    results: list[tuple[int, bool, str]] = []
    seen: set[int] = set()
    for raw in application_ids:
        pk = int(raw)
        if pk in seen:
            continue
        seen.add(pk)
        application = join_queue(actor=actor, status="").filter(pk=pk).first()
        if application is None:
            results.append((pk, False, _("未找到")))
            continue
        try:
            member = join_approve(application=application, actor=actor)
        except (ValidationError, PermissionDenied) as exc:
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            results.append((pk, False, message))
        else:
            results.append((pk, True, _("已批准，会员：%(name)s") % {"name": member.name}))
    return results


@transaction.atomic
def join_withdraw(*, application: JoinApplication, actor) -> JoinApplication:
    """The applicant takes back a pending application (and may then apply again, e.g. to another union)."""
    application = _locked(application, actor, check=can_withdraw_application)
    before = application_snapshot(application)
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    audit.record(actor=actor, action="join.withdraw", obj=application, org_path=application.routed_org.path,
                 before=before, after=application_snapshot(application))
    return application


__all__ = [
    "application_snapshot", "join_apply", "join_approve", "join_approve_bulk", "join_reject", "join_withdraw",
    "privacy_notice_current",
]
