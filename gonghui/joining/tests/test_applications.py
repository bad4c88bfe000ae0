"""join_apply, join_approve, join_reject, join_approve_bulk, join_withdraw: what a worker and a cadre can do."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.accounts.models import Consent, SmsCode
from gonghui.accounts.services import worker_for_phone
from gonghui.core import idnumber
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import WORKER_ID
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining import selectors
from gonghui.joining.choices import ApplicationStatus, RouteReason
from gonghui.joining.models import JoinApplication
from gonghui.joining.services import (
    join_approve, join_approve_bulk, join_reject, join_withdraw, privacy_notice_current,
)
from gonghui.joining.tests.conftest import APPLICANT_ID, APPLICANT_PHONE
from gonghui.joining.tests.support import join_code, make_application
from gonghui.joining.workdays import due_date
from gonghui.members.choices import MembershipChange, MemberStatus
from gonghui.members.models import Member, MemberCard, MembershipEvent
from gonghui.members.services import member_register
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_close, org_create


def messages(exc_info) -> dict[str, list[str]]:
    exc = exc_info.value
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def text(exc_info) -> str:
    return " ".join(m for ms in messages(exc_info).values() for m in ms)


# --- applying ---------------------------------------------------------------------------------------------


def test_a_courier_applies_and_the_application_is_routed_promised_and_consented(world, apply):
    application = apply(employment_form="courier", platform_company="某同城配送平台")

    assert application.status == ApplicationStatus.PENDING
    assert (application.routed_org, application.route_reason) == (world.industry, RouteReason.NEW_FORMS)
    assert application.due_on == due_date(timezone.localdate(), world.industry.join_decision_days)
    assert application.id_number_masked == APPLICANT_ID[:4] + "*" * 10 + APPLICANT_ID[-4:]
    assert application.phone_masked == "139****1111"
    assert APPLICANT_ID.encode() not in bytes(application.id_number_enc)
    consent = Consent.objects.get(pk=application.consent_id)
    assert consent.user == application.applicant
    assert (consent.notice.purpose, consent.notice.version) == ("join", "1")


def test_the_notice_names_purposes_fields_retention_who_sees_it_and_how_to_withdraw(db):
    notice = privacy_notice_current()

    assert notice.version == "1"
    for words in ("处理目的", "公民身份号码", "敏感个人信息", "保存期限", "谁能看到", "撤回"):
        assert words in notice.text
    assert privacy_notice_current() == notice  # stored once


def test_the_promise_follows_the_deciding_unions_own_number_of_working_days(world, apply):
    Org.objects.filter(pk=world.county.pk).update(join_decision_days=7)

    application = apply()
    assert application.routed_org == world.county
    assert application.due_on == due_date(timezone.localdate(), 7)


def test_the_worker_is_told_by_sms_after_commit_when_the_decision_is_due(world, apply, join_code,
                                                                          django_capture_on_commit_callbacks,
                                                                          sms_outbox):
    code = join_code(APPLICANT_PHONE)
    with django_capture_on_commit_callbacks() as callbacks:
        application = apply(sms_code=code)
        assert sms_outbox == []
    for callback in callbacks:
        callback()

    due = application.due_on
    assert [(m.phone, m.text) for m in sms_outbox] == [(
        APPLICANT_PHONE, f"【工会】已收到您的入会申请，由锦江区总工会受理，将于{due.year}年{due.month}月{due.day}日前办结。")]


def test_an_application_is_audited_with_masked_numbers(world, apply):
    application = apply()

    event = AuditEvent.objects.get(action="join.apply", object_id=str(application.pk))
    assert event.org_path == world.county.path
    assert event.after["id_number"] == application.id_number_masked
    assert APPLICANT_ID not in str(event.after) and APPLICANT_PHONE not in str(event.after)


def _refusal(apply, **fields):
    """Apply and expect a refusal; the applicant's account and their join code exist before `before`."""
    phone = fields.setdefault("phone", APPLICANT_PHONE)
    if "applicant" not in fields:
        try:
            fields["applicant"] = worker_for_phone(phone=phone)
        except ValueError:  # a phone number that is no phone number
            fields["applicant"] = worker_for_phone(phone="13700000001")
    if "sms_code" not in fields:
        fields["sms_code"] = join_code(phone)
    privacy_notice_current()  # the notice a worker reads before applying is stored when first shown
    before = fingerprint()
    with pytest.raises(ValidationError) as exc_info:
        apply(**fields)
    return exc_info, before


@pytest.mark.parametrize("id_number, words", [
    (APPLICANT_ID[:17] + ("0" if APPLICANT_ID[17] != "0" else "1"), "校验位不正确"),
    (idnumber.check_digit("51010419900230123") and "51010419900230123" + idnumber.check_digit("51010419900230123"),
     "出生日期不存在"),
    ("51010419900101", "应为18位"),
])
def test_an_id_number_that_cannot_be_real_is_refused_by_what_is_wrong(world, apply, id_number, words):
    exc_info, before = _refusal(apply, id_number=id_number)

    assert words in " ".join(messages(exc_info)["id_number"])
    assert JoinApplication.objects.count() == 0 and Consent.objects.count() == 0


def test_a_bad_phone_number_is_refused(world, apply, join_code):
    exc_info, _before = _refusal(apply, phone="1234567", applicant=world.worker, sms_code="000000")

    assert "手机号码应为11位" in " ".join(messages(exc_info)["phone"])


def test_a_wrong_sms_code_is_refused_and_counted(world, apply, join_code):
    code = join_code(APPLICANT_PHONE)
    wrong = "%06d" % ((int(code) + 1) % 10**6)

    exc_info, _before = _refusal(apply, sms_code=wrong)
    assert messages(exc_info)["sms_code"] == ["短信验证码不正确"]
    assert SmsCode.objects.get(purpose="join").attempts == 1
    assert JoinApplication.objects.count() == 0


def test_an_expired_sms_code_is_refused(world, apply, join_code):
    code = join_code(APPLICANT_PHONE)
    SmsCode.objects.filter(purpose="join").update(expires_at=timezone.now() - timedelta(seconds=1))

    exc_info, _before = _refusal(apply, sms_code=code)
    assert messages(exc_info)["sms_code"] == ["短信验证码已过期，请重新获取"]


def test_a_sign_in_code_is_no_join_code(world, apply, django_capture_on_commit_callbacks, sms_outbox):
    from gonghui.accounts.services import sms_code_send

    with django_capture_on_commit_callbacks(execute=True):
        sms_code_send(phone=APPLICANT_PHONE, purpose="login")
    login_code = sms_outbox[-1].text.split("验证码是")[1][:6]

    exc_info, _before = _refusal(apply, sms_code=login_code)
    assert messages(exc_info)["sms_code"] == ["请先获取短信验证码"]


def test_a_mistyped_id_number_does_not_use_up_the_sms_code(world, apply, join_code):
    code = join_code(APPLICANT_PHONE)
    _refusal(apply, sms_code=code, id_number=APPLICANT_ID[:17] + ("0" if APPLICANT_ID[17] != "0" else "1"))

    assert apply(sms_code=code).status == ApplicationStatus.PENDING


def test_a_closed_employer_union_is_refused_by_name(world, apply):
    closed = org_create(parent=world.county, name="锦江区某已撤销公司工会", kind=OrgKind.GRASSROOTS,
                        level=OrgLevel.GRASSROOTS, code="510104G9", division_code="510104", actor=None)
    closed = org_close(org=closed, actor=None)

    exc_info, before = _refusal(apply, employer_org=closed)
    assert "锦江区某已撤销公司工会" in text(exc_info) and "已撤销" in text(exc_info)
    assert changed_tables(before, fingerprint()) == []


def test_a_member_of_another_union_is_told_which_union_with_the_number_masked(world, apply):
    exc_info, before = _refusal(apply, id_number=WORKER_ID, employer_org=world.sibling_grassroots)

    message = " ".join(messages(exc_info)["id_number"])
    assert "锦江区某科技公司工会" in message and "已是" in message
    assert world.worker_member.id_number_masked in message and WORKER_ID not in message
    assert changed_tables(before, fingerprint()) == []


def test_a_former_member_who_left_may_apply_again(world, apply):
    from gonghui.members.services import membership_end

    membership_end(member=world.worker_member, kind=MembershipChange.WITHDRAW, reason_code="5",
                   on=timezone.localdate(), actor=None)

    assert apply(id_number=WORKER_ID).status == ApplicationStatus.PENDING


def test_a_second_application_while_one_is_pending_says_where_and_by_when(world, apply):
    first = apply(employment_form="courier")

    exc_info, before = _refusal(apply, phone="13900002222", employer_org=world.grassroots)
    message = " ".join(messages(exc_info)["id_number"])
    due = first.due_on
    assert "正在审批中" in message and "锦江区快递行业工会联合会" in message
    assert f"{due.year}年{due.month}月{due.day}日前办结" in message
    assert changed_tables(before, fingerprint()) == []


def test_consent_to_an_older_notice_or_none_is_refused(world, apply):
    exc_info, _before = _refusal(apply, consent_version="")
    assert messages(exc_info)["consent_version"] == ["请阅读并同意个人信息处理告知"]

    exc_info, _before = _refusal(apply, consent_version="0", sms_code="000000")
    assert "已更新（第1版）" in " ".join(messages(exc_info)["consent_version"])
    assert Consent.objects.count() == 0


def test_a_signed_out_caller_cannot_apply(world, apply):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        apply(applicant=AnonymousUser(), sms_code="000000")


def test_the_index_keeps_one_pending_application_per_person_and_the_refusal_gives_the_code_back(
        world, apply, join_code):
    apply()
    code = join_code("13900002222")
    exc_info, before = _refusal(apply, phone="13900002222", sms_code=code)

    assert "正在审批中" in " ".join(messages(exc_info)["id_number"])
    assert JoinApplication.objects.count() == 1
    assert Consent.objects.count() == 1  # the second consent went with its refused application
    assert changed_tables(before, fingerprint()) == []
    assert SmsCode.objects.filter(purpose="join", used_at__isnull=True).count() == 1  # still usable


def test_after_withdrawing_the_worker_may_apply_again(world, apply):
    first = apply()
    join_withdraw(application=first, actor=first.applicant)

    first.refresh_from_db()
    assert first.status == ApplicationStatus.WITHDRAWN
    assert apply(phone="13900002222").status == ApplicationStatus.PENDING


def test_only_the_applicant_withdraws(world, apply):
    application = apply()

    with pytest.raises(PermissionDenied):
        join_withdraw(application=application, actor=world.county_cadre)


# --- deciding ---------------------------------------------------------------------------------------------


def test_approval_makes_the_member_their_join_event_and_card_and_tells_them_after_commit(
        world, apply, django_capture_on_commit_callbacks, sms_outbox):
    application = apply(employment_form="courier", platform_company="某同城配送平台")
    count_before = Org.objects.get(pk=world.industry.pk).member_count

    with django_capture_on_commit_callbacks() as callbacks:
        member = join_approve(application=application, actor=world.county_cadre)
        assert sms_outbox == []
    for callback in callbacks:
        callback()

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.member == member
    assert application.decided_by == world.county_cadre and application.decided_at is not None
    assert member.org == world.industry and member.status == MemberStatus.ACTIVE
    assert member.joined_on == timezone.localdate()
    assert member.user == application.applicant
    assert member.employment_form == "courier" and member.platform_company == "某同城配送平台"
    assert list(member.events.values_list("kind", flat=True)) == [MembershipChange.JOIN]
    assert MemberCard.objects.filter(member=member, revoked_at__isnull=True).count() == 1
    assert Org.objects.get(pk=world.industry.pk).member_count == count_before + 1
    assert AuditEvent.objects.filter(action="join.approve", object_id=str(application.pk)).exists()
    assert [(m.phone, m.text) for m in sms_outbox] == [
        (APPLICANT_PHONE, "【工会】您的入会申请已批准，电子会员卡已可在“我的会员卡”查看。")]


def test_an_approval_that_fails_half_way_leaves_nothing_half_saved(world, apply, monkeypatch, sms_outbox,
                                                                   django_capture_on_commit_callbacks):
    application = apply()
    before = fingerprint()
    from gonghui.joining.services import applications

    real = applications.audit.record

    def failing(**kwargs):
        if kwargs["action"] == "join.approve":
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(applications.audit, "record", failing)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        join_approve(application=application, actor=world.county_cadre)

    assert changed_tables(before, fingerprint()) == []
    assert not Member.objects.filter(name="陈晨").exists() and MembershipEvent.objects.filter(
        member__name="陈晨").count() == 0
    assert sms_outbox == []


def test_an_application_is_decided_once(world, apply):
    application = apply()
    join_approve(application=application, actor=world.county_cadre)

    with pytest.raises(ValidationError) as exc_info:
        join_approve(application=application, actor=world.city_cadre)
    assert "已处理（已批准）" in text(exc_info)
    with pytest.raises(ValidationError):
        join_reject(application=application, reason="重复", actor=world.county_cadre)
    assert Member.objects.filter(name="陈晨").count() == 1


def test_a_person_registered_meanwhile_cannot_be_approved_again(world, apply):
    application = apply()
    member_register(org=world.grassroots, name="陈晨", id_number=APPLICANT_ID, joined_on=date(2024, 1, 1),
                    actor=world.grassroots_cadre)

    with pytest.raises(ValidationError) as exc_info:
        join_approve(application=application, actor=world.county_cadre)
    assert "锦江区某科技公司工会" in text(exc_info)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_rejection_needs_a_reason_and_tells_the_worker_after_commit(world, apply, sms_outbox,
                                                                    django_capture_on_commit_callbacks):
    application = apply()
    with pytest.raises(ValidationError) as exc_info:
        join_reject(application=application, reason="  ", actor=world.county_cadre)
    assert messages(exc_info)["reason"] == ["请填写不予批准的原因"]

    with django_capture_on_commit_callbacks() as callbacks:
        join_reject(application=application, reason="工作单位不在本区", actor=world.county_cadre)
        assert sms_outbox == []
    for callback in callbacks:
        callback()

    application.refresh_from_db()
    assert (application.status, application.reject_reason) == (ApplicationStatus.REJECTED, "工作单位不在本区")
    assert [m.text for m in sms_outbox] == ["【工会】您的入会申请未获批准，原因：工作单位不在本区。如有疑问请联系锦江区总工会。"]
    assert not Member.objects.filter(name="陈晨").exists()


def test_a_cadre_of_a_sibling_county_neither_sees_nor_decides_and_changes_nothing(world, apply):
    application = apply()
    before = fingerprint()

    with pytest.raises(Http404):
        selectors.join_application_get(actor=world.other_county_cadre, pk=application.pk)
    with pytest.raises(PermissionDenied):
        join_approve(application=application, actor=world.other_county_cadre)
    with pytest.raises(PermissionDenied):
        join_reject(application=application, reason="越权", actor=world.other_county_cadre)
    with pytest.raises(PermissionDenied):
        join_approve(application=application, actor=world.auditor)  # sees, but only reads
    assert changed_tables(before, fingerprint()) == []


def test_bulk_approval_reports_each_and_treats_a_foreign_id_like_a_missing_one(world):
    own = [make_application(world, world.grassroots), make_application(world, world.county)]
    foreign = make_application(world, world.sibling_county)
    decided = make_application(world, world.county)
    join_reject(application=decided, reason="资料不全", actor=world.county_cadre)

    results = join_approve_bulk(application_ids=[own[0].pk, foreign.pk, own[1].pk, decided.pk, 999999],
                                actor=world.county_cadre)

    assert [(pk, ok) for pk, ok, _m in results] == [(own[0].pk, True), (foreign.pk, False), (own[1].pk, True),
                                                     (decided.pk, False), (999999, False)]
    assert results[1][2] == results[4][2] == "未找到"
    assert "已处理" in results[3][2]
    foreign.refresh_from_db()
    assert foreign.status == ApplicationStatus.PENDING and foreign.member is None
    assert JoinApplication.objects.filter(pk__in=[a.pk for a in own], status="approved").count() == 2


# --- reading ----------------------------------------------------------------------------------------------


def test_the_queue_is_scoped_oldest_first_and_flags_overdue_applications(world):
    first = make_application(world, world.grassroots)
    second = make_application(world, world.county)
    sibling = make_application(world, world.sibling_county)
    JoinApplication.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - timedelta(days=1))

    queue = list(selectors.join_queue(actor=world.county_cadre))
    assert [a.pk for a in queue] == [first.pk, second.pk]
    assert [a.overdue for a in queue] == [True, False]
    assert [a.pk for a in selectors.join_queue(actor=world.grassroots_cadre)] == [first.pk]
    assert [a.pk for a in selectors.join_queue(actor=world.city_cadre, org=world.sibling_county)] == [sibling.pk]
    assert list(selectors.join_queue(actor=world.worker)) == []
    join_reject(application=second, reason="资料不全", actor=world.county_cadre)
    assert [a.pk for a in selectors.join_queue(actor=world.county_cadre, status="rejected")] == [second.pk]


def test_a_worker_sees_their_own_applications_and_no_one_elses(world, apply):
    mine = apply()
    other = make_application(world, world.county)

    assert list(selectors.my_applications(user=mine.applicant)) == [mine]
    assert selectors.join_application_get(actor=mine.applicant, pk=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.join_application_get(actor=mine.applicant, pk=other.pk)
    assert list(selectors.my_applications(user=worker_for_phone(phone="13700000000"))) == []
