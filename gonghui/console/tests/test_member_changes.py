"""A member's page in the console: changes of membership, the record's fields and a new card, through the pages."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import WORKER_ID, WORKER_PHONE
from gonghui.members.choices import MembershipChange, MembershipChangeReason, MemberStatus
from gonghui.members.models import Member, MemberCard, MembershipEvent
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db


def page(member) -> str:
    return f"/console/members/{member.pk}/"


def end(client, member, **data):
    return client.post(page(member) + "membership/", data)


def today() -> str:
    return timezone.localdate().isoformat()


def valid_card(member):
    return MemberCard.objects.filter(member=member, revoked_at__isnull=True).first()


def events(member) -> list[tuple[str, str]]:
    return list(MembershipEvent.objects.filter(member=member).order_by("on", "id").values_list("kind", "reason_code"))


@pytest.mark.parametrize("kind, reason, status, card_holds", [
    (MembershipChange.WITHDRAW, MembershipChangeReason.MEMBER_REQUEST, MemberStatus.LEFT, False),
    (MembershipChange.STRIKE_OFF, MembershipChangeReason.EXPELLED, MemberStatus.STRUCK_OFF, False),
    # 保留会籍 keeps the membership (and the card, which shows the status) but not the place on the counter.
    (MembershipChange.RETAIN, MembershipChangeReason.LAID_OFF, MemberStatus.RETAINED, True),
])
def test_a_change_of_membership_through_the_page(client, world, kind, reason, status, card_holds):
    member, org = world.worker_member, world.grassroots
    counted = Org.objects.get(pk=org.pk).member_count
    client.force_login(world.county_cadre)

    response = end(client, member, kind=kind, reason_code=reason, on=today(), note="经本人申请")

    assert response.status_code == 302 and response["Location"] == page(member)
    member.refresh_from_db()
    assert member.status == status
    assert events(member) == [(MembershipChange.JOIN, ""), (kind, reason)]
    assert (valid_card(member) is not None) is card_holds
    assert Org.objects.get(pk=org.pk).member_count == counted - 1
    shown = client.get(page(member)).content.decode()
    assert "会籍状态现为" in shown and str(MembershipChange(kind).label) in shown and str(reason.label) in shown
    assert "经本人申请" in shown and org.name in shown


def test_a_death_is_struck_off_with_the_reason_death(client, world):
    member = world.worker_member
    client.force_login(world.grassroots_cadre)

    response = end(client, member, kind="deceased", on=today())

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED and valid_card(member) is None
    assert events(member)[-1] == (MembershipChange.STRIKE_OFF, MembershipChangeReason.DECEASED)


@pytest.mark.parametrize("data, message", [
    ({"on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "日期不能晚于今天"),
    ({"on": "2019-12-31"}, "会籍变化日期不能早于2020-06-01"),
    ({"reason_code": ""}, "请选择会籍变化原因"),
    ({"reason_code": "91"}, "会籍变化原因代码不正确"),
    ({"kind": "1"}, "会籍变化类型不正确"),
])
def test_a_refused_change_says_why_in_chinese_and_changes_nothing(client, world, data, message):
    member = world.worker_member
    client.force_login(world.county_cadre)
    before = (events(member), valid_card(member).pk, AuditEvent.objects.count())

    response = end(client, member, **({"kind": MembershipChange.WITHDRAW, "reason_code": "5", "on": today()} | data))

    assert response.status_code == 422
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert (events(member), valid_card(member).pk, AuditEvent.objects.count()) == before


def test_an_ended_membership_cannot_be_ended_again(client, world):
    member = world.worker_member
    client.force_login(world.county_cadre)
    end(client, member, kind=MembershipChange.WITHDRAW, reason_code="5", on=today())

    response = end(client, member, kind=MembershipChange.STRIKE_OFF, reason_code="6", on=today())

    assert response.status_code == 422 and "会籍状态为“已退会”，不能办理除名" in response.content.decode()
    assert len(events(member)) == 2


def edit_data(member, **changes) -> dict:
    data = {"name": member.name, "ethnicity": member.ethnicity, "education": member.education,
            "political_status": member.political_status, "skill_level": member.skill_level,
            "employment_status": member.employment_status, "household_type": member.household_type,
            "household_place": member.household_place, "employment_form": member.employment_form,
            "platform_company": member.platform_company, "work_unit": member.work_unit, "phone": ""}
    return {k: v for k, v in (data | changes).items() if v is not False}


def test_edit_saves_the_national_fields_and_is_audited_masked(client, world):
    member = world.worker_member
    client.force_login(world.county_cadre)

    response = client.post(page(member) + "edit/", edit_data(
        member, education="20", skill_level="3", employment_form="rider", platform_company="某外卖平台",
        migrant_worker="on", household_type="1", household_place="510104", phone="13900001111"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.education, member.skill_level, member.employment_form, member.platform_company,
            member.migrant_worker, member.household_place, member.phone) == (
        "20", "3", "rider", "某外卖平台", True, "510104", "13900001111")
    audit = AuditEvent.objects.filter(action="member.update", object_id=str(member.pk)).get()
    assert audit.actor == world.county_cadre
    assert audit.after["education"] == "20" and audit.after["phone"] == "139****1111"
    assert "13900001111" not in str(audit.before) + str(audit.after)


def test_the_edit_form_never_shows_the_plaintext_numbers(client, world):
    client.force_login(world.county_cadre)

    html = client.get(page(world.worker_member)).content.decode()

    assert "编辑会员信息" in html and "办理会籍变化" in html and "换发会员卡" in html
    assert WORKER_ID not in html and WORKER_PHONE not in html and "138****0001" in html


@pytest.mark.parametrize("changes, message", [
    ({"household_place": "51010"}, "户籍所在地应为6、9或12位行政区划代码"),
    ({"phone": "12345"}, "手机号"),
    ({"education": "99"}, "学历不在代码表中"),
    ({"name": " "}, "请填写姓名"),
])
def test_a_refused_edit_saves_nothing(client, world, changes, message):
    member = world.worker_member
    client.force_login(world.county_cadre)
    audits = AuditEvent.objects.count()

    response = client.post(page(member) + "edit/", edit_data(member, work_unit="新单位", **changes))

    assert response.status_code == 422 and message in response.content.decode()
    member.refresh_from_db()
    assert member.work_unit == "" and member.phone == WORKER_PHONE
    assert AuditEvent.objects.count() == audits


def test_card_reissue_revokes_the_old_card_and_issues_a_new_one(client, world):
    member = world.worker_member
    old = valid_card(member)
    client.force_login(world.grassroots_cadre)

    response = client.post(page(member) + "card/reissue/")

    assert response.status_code == 302
    new = valid_card(member)
    assert new.pk != old.pk and MemberCard.objects.get(pk=old.pk).revoked_at is not None
    assert Member.objects.get(pk=member.pk).card_number == new.number
    assert AuditEvent.objects.filter(action="member.card_reissue", actor=world.grassroots_cadre).count() == 1


def test_no_card_for_an_ended_membership(client, world):
    member = world.worker_member
    client.force_login(world.county_cadre)
    end(client, member, kind=MembershipChange.WITHDRAW, reason_code="5", on=today())

    response = client.post(page(member) + "card/reissue/", follow=True)

    assert "不能发放会员卡" in response.content.decode() and valid_card(member) is None


WRITES = [("membership/", {"kind": MembershipChange.WITHDRAW, "reason_code": "5", "on": date.today().isoformat()}),
          ("edit/", {"name": "改名", "ethnicity": "01", "employment_status": "1"}),
          ("card/reissue/", {})]


@pytest.mark.parametrize("path, data", WRITES)
def test_a_cadre_outside_the_scope_gets_404_and_nothing_changes(client, world, path, data):
    member = world.worker_member
    client.force_login(world.other_county_cadre)
    audits = AuditEvent.objects.count()

    assert client.get(page(member)).status_code == 404
    assert client.post(page(member) + path, data).status_code == 404
    assert AuditEvent.objects.count() == audits and Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


@pytest.mark.parametrize("path, data", WRITES)
def test_an_auditor_sees_the_page_without_forms_and_gets_403_on_a_write(client, world, path, data):
    member = world.worker_member
    client.force_login(world.auditor)
    audits, card = AuditEvent.objects.count(), valid_card(member).pk

    html = client.get(page(member)).content.decode()
    response = client.post(page(member) + path, data)

    assert "会籍变化记录" in html and "入会" in html
    assert "编辑会员信息" not in html and "办理会籍变化" not in html and "换发会员卡" not in html
    assert response.status_code == 403
    member.refresh_from_db()
    assert (member.status, member.name, valid_card(member).pk) == (MemberStatus.ACTIVE, "张伟", card)
    assert AuditEvent.objects.count() == audits


def test_the_forms_need_a_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.county_cadre)

    response = client.post(page(world.worker_member) + "membership/",
                           {"kind": MembershipChange.WITHDRAW, "reason_code": "5", "on": today()})

    assert response.status_code == 403
    assert Member.objects.get(pk=world.worker_member.pk).status == MemberStatus.ACTIVE


def test_writes_answer_only_post(client, world):
    client.force_login(world.county_cadre)

    assert client.get(page(world.worker_member) + "membership/").status_code == 405


def test_an_unticked_box_clears_migrant_worker_and_an_unchanged_form_writes_nothing(client, world):
    member = world.worker_member
    Member.objects.filter(pk=member.pk).update(migrant_worker=True)
    member.refresh_from_db()
    client.force_login(world.county_cadre)

    assert client.post(page(member) + "edit/", edit_data(member, migrant_worker=False)).status_code == 302
    member.refresh_from_db()
    audits = AuditEvent.objects.count()
    assert client.post(page(member) + "edit/", edit_data(member, migrant_worker=False)).status_code == 302

    assert member.migrant_worker is False and AuditEvent.objects.count() == audits
