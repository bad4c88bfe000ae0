"""Transfers (转会): a two-sided handshake in which each side acts only in its own scope.

The world (gonghui.core.testing.personas): 张伟 is a member of 锦江区某科技公司工会 under 锦江区总工会 and
成都市总工会; 青羊区某医院工会 sits in the sibling county, 绵阳市总工会 is the sibling city, 江西 another province.
"""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.core import uscc
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import PASSWORD, WORKER_ID, WORKER_PHONE
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining.choices import TransferSide, TransferStatus
from gonghui.joining.models import Transfer
from gonghui.joining.selectors_transfers import (
    my_transfers, transfer_get, transfers_incoming, transfers_outgoing, union_search,
)
from gonghui.joining.services import (
    transfer_accept, transfer_cancel, transfer_decline, transfer_request,
)
from gonghui.members.choices import MembershipChange, MemberStatus
from gonghui.members.models import Member, MembershipEvent
from gonghui.members.selectors import member_get
from gonghui.members.services import membership_end
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_close, org_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def mianyang(world):
    """A grassroots union under 绵阳市总工会 and a staff cadre of that city federation."""
    union = org_create(parent=world.sibling_city, name="绵阳某电子公司工会", kind=OrgKind.GRASSROOTS,
                       level=OrgLevel.GRASSROOTS, code="510703G1", division_code="510703",
                       uscc=uscc.make("510703", 7), employer_name="绵阳某电子公司", actor=None)
    cadre = cadre_create(username="mianyang_cadre", password=PASSWORD, display_name="绵阳市总干部", actor=None)
    role_grant(user=cadre, org=world.sibling_city, kind=RoleKind.STAFF, actor=None)
    cadre.refresh_from_db()
    return union, cadre


def fresh(obj):
    obj.refresh_from_db()
    return obj


def live_count(org) -> int:
    return Member.objects.filter(org=org, status=MemberStatus.ACTIVE).count()


def assert_counters_match(*orgs):
    for org in orgs:
        assert fresh(org).member_count == live_count(org), org.name


def member_asks(world, to_org=None, reason="工作调动到青羊区"):
    return transfer_request(member=world.worker_member, to_org=to_org or world.sibling_grassroots,
                            actor=world.worker, reason=reason)


# --- the whole handshake ----------------------------------------------------------------------------------


def test_a_member_asks_to_move_across_counties_and_the_receiving_countys_cadre_accepts(
        world, sms_outbox, django_capture_on_commit_callbacks):
    member = world.worker_member
    joined_on, old_card = member.joined_on, member.card_number

    transfer = member_asks(world)
    assert (transfer.side, transfer.status, transfer.requested_by) == (
        TransferSide.MEMBER, TransferStatus.REQUESTED, world.worker)
    assert (transfer.from_org, transfer.to_org) == (world.grassroots, world.sibling_grassroots)

    with django_capture_on_commit_callbacks(execute=True):
        accepted = transfer_accept(transfer=transfer, actor=world.other_county_cadre)

    assert (accepted.status, accepted.decided_by) == (TransferStatus.ACCEPTED, world.other_county_cadre)
    assert accepted.decided_at is not None
    member = fresh(member)
    assert member.org == world.sibling_grassroots
    assert member.status == MemberStatus.ACTIVE
    assert member.joined_on == joined_on
    assert member.card_number and member.card_number != old_card
    kinds = list(MembershipEvent.objects.filter(member=member).values_list("kind", "org"))
    assert (MembershipChange.TRANSFER_OUT, world.grassroots.pk) in kinds
    assert (MembershipChange.TRANSFER_IN, world.sibling_grassroots.pk) in kinds
    assert_counters_match(world.grassroots, world.sibling_grassroots)
    # the old side no longer sees the member; the new side does
    with pytest.raises(Http404):
        member_get(actor=world.county_cadre, pk=member.pk)
    with pytest.raises(Http404):
        member_get(actor=world.grassroots_cadre, pk=member.pk)
    assert member_get(actor=world.other_county_cadre, pk=member.pk) == member
    assert member_get(actor=world.worker, pk=member.pk) == member
    # both steps are audited, with the ID number masked
    events = AuditEvent.objects.filter(object_type="joining.transfer", object_id=str(transfer.pk))
    assert list(events.order_by("id").values_list("action", flat=True)) == ["transfer.request", "transfer.accept"]
    assert AuditEvent.objects.filter(action="member.transfer", object_id=str(member.pk)).exists()
    for event in events:
        assert WORKER_ID not in str(event.after) and member.id_number_masked == event.after["id_number"]
    # and the member is told where they now belong
    assert [m.phone for m in sms_outbox] == [WORKER_PHONE]
    assert "青羊区某医院工会" in sms_outbox[0].text


def test_the_sending_union_moves_a_member_to_a_union_in_another_city(
        world, mianyang, sms_outbox, django_capture_on_commit_callbacks):
    union, mianyang_cadre = mianyang
    with django_capture_on_commit_callbacks(execute=True):
        transfer = transfer_request(member=world.worker_member, to_org=union, actor=world.grassroots_cadre,
                                    reason="调往绵阳分公司")
    assert transfer.side == TransferSide.SENDING
    assert "绵阳某电子公司工会" in sms_outbox[-1].text and sms_outbox[-1].phone == WORKER_PHONE

    # the receiving city sees it in its queue, the sending county in its outgoing list
    assert list(transfers_incoming(actor=mianyang_cadre)) == [transfer]
    assert list(transfers_outgoing(actor=world.county_cadre)) == [transfer]
    assert list(transfers_incoming(actor=world.county_cadre)) == []

    transfer_accept(transfer=transfer, actor=mianyang_cadre)

    member = fresh(world.worker_member)
    assert member.org == union and member.joined_on == date(2020, 6, 1)
    assert_counters_match(world.grassroots, union)
    assert member_get(actor=mianyang_cadre, pk=member.pk) == member
    with pytest.raises(Http404):
        member_get(actor=world.city_cadre, pk=member.pk)


# --- who may do what --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["grassroots_cadre", "county_cadre"])
def test_the_sending_side_cannot_accept_its_own_request_and_nothing_changes(world, persona):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots,
                                actor=world.grassroots_cadre)
    before = fingerprint()

    for act in (lambda a: transfer_accept(transfer=transfer, actor=a),
                lambda a: transfer_decline(transfer=transfer, actor=a, reason="不同意")):
        with pytest.raises(PermissionDenied):
            act(getattr(world, persona))

    assert changed_tables(before, fingerprint()) == []


def test_a_cadre_above_both_unions_who_asked_cannot_also_grant(world):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.city_cadre)

    with pytest.raises(PermissionDenied, match="不能处理自己发起的转会"):
        transfer_accept(transfer=transfer, actor=world.city_cadre)
    transfer_accept(transfer=transfer, actor=world.other_county_cadre)
    assert fresh(world.worker_member).org == world.sibling_grassroots


@pytest.mark.parametrize("persona", ["other_province_cadre", "stranger", "other_worker"])
def test_a_cadre_or_worker_of_neither_side_finds_nothing_and_can_do_nothing(world, persona):
    transfer = member_asks(world)
    actor = getattr(world, persona)
    before = fingerprint()

    with pytest.raises(Http404):
        transfer_get(actor=actor, pk=transfer.pk)
    assert list(transfers_incoming(actor=actor)) == list(transfers_outgoing(actor=actor)) == []
    with pytest.raises(PermissionDenied):
        transfer_accept(transfer=transfer, actor=actor)
    with pytest.raises(PermissionDenied):
        transfer_decline(transfer=transfer, actor=actor, reason="无关")
    with pytest.raises(PermissionDenied):
        transfer_cancel(transfer=transfer, actor=actor)
    assert changed_tables(before, fingerprint()) == []


def test_each_side_and_the_member_find_the_transfer(world):
    transfer = member_asks(world)

    for persona in ("worker", "grassroots_cadre", "county_cadre", "city_cadre", "province_cadre",
                    "other_county_cadre", "auditor"):
        assert transfer_get(actor=getattr(world, persona), pk=transfer.pk) == transfer, persona
    assert list(my_transfers(user=world.worker)) == [transfer]
    assert list(my_transfers(user=world.other_worker)) == []


def test_an_auditor_sees_transfers_but_cannot_ask_or_decide(world):
    with pytest.raises(PermissionDenied):
        transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.auditor)
    transfer = member_asks(world)
    with pytest.raises(PermissionDenied):
        transfer_accept(transfer=transfer, actor=world.auditor)


def test_only_the_member_or_their_unions_cadres_may_ask(world):
    for persona in ("other_county_cadre", "other_province_cadre", "other_worker", "stranger"):
        with pytest.raises(PermissionDenied):
            transfer_request(member=world.worker_member, to_org=world.sibling_grassroots,
                             actor=getattr(world, persona))
    with pytest.raises(PermissionDenied):
        transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=None)
    assert not Transfer.objects.exists()


# --- declining and cancelling -----------------------------------------------------------------------------


def test_the_receiving_cadre_declines_with_a_reason_and_the_member_stays(
        world, sms_outbox, django_capture_on_commit_callbacks):
    transfer = member_asks(world)
    with pytest.raises(ValidationError, match="拒绝转会必须说明原因"):
        transfer_decline(transfer=transfer, actor=world.other_county_cadre, reason="  ")

    with django_capture_on_commit_callbacks(execute=True):
        declined = transfer_decline(transfer=transfer, actor=world.other_county_cadre, reason="本单位无此职工")

    assert (declined.status, declined.decline_reason) == (TransferStatus.DECLINED, "本单位无此职工")
    assert fresh(world.worker_member).org == world.grassroots
    assert "本单位无此职工" in sms_outbox[-1].text
    assert AuditEvent.objects.filter(action="transfer.decline", object_id=str(transfer.pk)).exists()
    with pytest.raises(ValidationError, match="已拒绝"):
        transfer_accept(transfer=transfer, actor=world.other_county_cadre)
    # a declined transfer leaves room for a new request
    assert member_asks(world, reason="再次申请").status == TransferStatus.REQUESTED


def test_the_member_cancels_their_own_request_which_the_unions_cannot(world):
    transfer = member_asks(world)
    for persona in ("grassroots_cadre", "county_cadre", "other_county_cadre"):
        with pytest.raises(PermissionDenied):
            transfer_cancel(transfer=transfer, actor=getattr(world, persona))

    cancelled = transfer_cancel(transfer=transfer, actor=world.worker)

    assert (cancelled.status, cancelled.decided_by) == (TransferStatus.CANCELLED, world.worker)
    with pytest.raises(ValidationError, match="已撤销"):
        transfer_accept(transfer=transfer, actor=world.other_county_cadre)
    assert fresh(world.worker_member).org == world.grassroots
    assert AuditEvent.objects.filter(action="transfer.cancel", object_id=str(transfer.pk)).exists()


def test_the_sending_union_cancels_its_request_and_the_member_is_told(
        world, sms_outbox, django_capture_on_commit_callbacks):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots,
                                actor=world.grassroots_cadre)
    for persona in ("worker", "other_county_cadre"):
        with pytest.raises(PermissionDenied):
            transfer_cancel(transfer=transfer, actor=getattr(world, persona))

    with django_capture_on_commit_callbacks(execute=True):
        transfer_cancel(transfer=transfer, actor=world.county_cadre)

    assert fresh(transfer).status == TransferStatus.CANCELLED
    assert "已撤销" in sms_outbox[-1].text


# --- what is refused --------------------------------------------------------------------------------------


def test_a_second_open_transfer_is_refused_in_chinese(world, mianyang):
    member_asks(world)

    with pytest.raises(ValidationError, match="已有一笔转会正在办理.*青羊区某医院工会"):
        transfer_request(member=world.worker_member, to_org=mianyang[0], actor=world.grassroots_cadre)
    assert Transfer.objects.filter(status=TransferStatus.REQUESTED).count() == 1


def test_the_database_refuses_a_second_open_transfer_whatever_the_code_checks(world):
    from django.db import IntegrityError, transaction

    member_asks(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(member=world.worker_member, from_org=world.grassroots, to_org=world.industry,
                                side=TransferSide.MEMBER, requested_by=world.worker)


def test_a_closed_union_is_refused_as_a_target(world, mianyang):
    union, _cadre = mianyang
    org_close(org=union, actor=None)

    with pytest.raises(ValidationError, match="已撤销，不能转入"):
        member_asks(world, to_org=union)
    assert not Transfer.objects.exists()


def test_a_target_that_closes_before_the_decision_cannot_be_accepted(world, mianyang):
    union, cadre = mianyang
    transfer = member_asks(world, to_org=union)
    org_close(org=union, actor=None)

    with pytest.raises(ValidationError, match="已撤销"):
        transfer_accept(transfer=transfer, actor=cadre)
    assert fresh(world.worker_member).org == world.grassroots


@pytest.mark.parametrize("target", ["county", "sibling_city", "other_province"])
def test_a_federation_takes_no_members_and_is_refused_as_a_target(world, target):
    with pytest.raises(ValidationError, match="不直接吸收会员"):
        member_asks(world, to_org=getattr(world, target))


def test_a_new_forms_industry_union_is_a_valid_target(world):
    transfer = member_asks(world, to_org=world.industry, reason="转为快递员")
    transfer_accept(transfer=transfer, actor=world.county_cadre)
    assert fresh(world.worker_member).org == world.industry
    assert_counters_match(world.grassroots, world.industry)


def test_the_members_own_union_is_refused_as_a_target(world):
    with pytest.raises(ValidationError, match="不能与现在所在的工会相同"):
        member_asks(world, to_org=world.grassroots)


def test_a_member_whose_membership_is_not_active_cannot_transfer(world):
    membership_end(member=world.worker_member, kind=MembershipChange.RETAIN, reason_code="", on=date(2025, 1, 1),
                   actor=None)

    with pytest.raises(ValidationError, match="保留会籍"):
        member_asks(world)


def test_a_reason_longer_than_the_record_keeps_is_refused(world):
    with pytest.raises(ValidationError, match="不能超过200个字符"):
        member_asks(world, reason="调" * 201)


# --- the queues -------------------------------------------------------------------------------------------


def test_the_incoming_queue_puts_open_transfers_first(world):
    declined = member_asks(world)
    transfer_decline(transfer=declined, actor=world.other_county_cadre, reason="查无此人")
    open_one = member_asks(world, reason="再次申请")

    assert list(transfers_incoming(actor=world.other_county_cadre)) == [open_one, declined]
    assert list(transfers_incoming(actor=world.other_county_cadre, status="open")) == [open_one]
    assert list(transfers_incoming(actor=world.other_county_cadre, status="closed")) == [declined]
    assert list(transfers_outgoing(actor=world.grassroots_cadre)) == [open_one, declined]


# --- the public union search ------------------------------------------------------------------------------


def test_the_union_search_finds_unions_anywhere_with_public_fields_only(world, mianyang):
    rows = union_search(query="工会")
    names = {row["name"] for row in rows}

    assert {"锦江区某科技公司工会", "青羊区某医院工会", "泰和某企业工会", "绵阳某电子公司工会",
            "锦江区快递行业工会联合会"} <= names
    assert not names & {"锦江区总工会", "成都市总工会", "四川省总工会"}  # federations take no members
    assert all(set(row) == {"id", "name", "kind", "kind_label", "area"} for row in rows)
    hospital = next(row for row in rows if row["name"] == "青羊区某医院工会")
    assert hospital["area"] == "成都市总工会 · 青羊区总工会"


def test_the_union_search_leaves_out_closed_unions_and_needs_two_characters(world, mianyang):
    org_close(org=mianyang[0], actor=None)

    assert union_search(query="绵阳") == []
    assert union_search(query="医") == []
    assert [r["name"] for r in union_search(query="医院", exclude=world.sibling_grassroots)] == []


def test_counters_stay_exact_after_many_transfers_back_and_forth(world):
    member = world.worker_member
    for to_org, decider in [(world.sibling_grassroots, world.other_county_cadre),
                            (world.grassroots, world.county_cadre),
                            (world.industry, world.county_cadre)]:
        transfer = transfer_request(member=fresh(member), to_org=to_org, actor=world.worker)
        transfer_accept(transfer=transfer, actor=decider)
    live = dict(Member.objects.filter(status=MemberStatus.ACTIVE).values_list("org").annotate(n=Count("pk")))
    for org in Org.objects.filter(Q(member_count__gt=0) | Q(pk__in=live)):
        assert org.member_count == live.get(org.pk, 0), org.name


def test_the_database_refuses_a_declined_transfer_without_a_reason_or_a_time(world):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    transfer = member_asks(world)
    for fields in ({"status": TransferStatus.DECLINED, "decline_reason": "", "decided_at": timezone.now()},
                   {"status": TransferStatus.ACCEPTED, "decided_at": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Transfer.objects.filter(pk=transfer.pk).update(**fields)
