"""Membership history: joining, transfers, retaining and ending, each with its events, counters, card and audit."""
import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core import idnumber
from gonghui.core.models import AuditEvent
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining.models import Transfer
from gonghui.members.card import card_token, card_verify
from gonghui.members.choices import MembershipChange as K, MembershipChangeReason as R, MemberStatus as S
from gonghui.members.models import Member, MemberCard, MembershipEvent
from gonghui.members.services import (
    member_join, member_status_from_events, member_update, membership_end, membership_transfer, membership_years,
)
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_close

NEW_ID = idnumber.make("510104", date(1994, 7, 7), 555)


def _count(org) -> int:
    return Org.objects.get(pk=org.pk).member_count


def _events(member) -> list[tuple]:
    return [(e.kind, e.org_id, e.on, e.reason_code) for e in MembershipEvent.objects.filter(member=member)]


def _audits(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def _last_audit() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _valid_cards(member) -> list[MemberCard]:
    return list(MemberCard.objects.filter(member=member, revoked_at__isnull=True))


def _join(world, **overrides) -> Member:
    fields = {"org": world.grassroots, "name": "陈静", "id_number": NEW_ID, "phone": "13900002222",
              "joined_on": date(2024, 3, 1), "actor": world.grassroots_cadre}
    return member_join(**(fields | overrides))


def _unchanged(call, error=ValidationError):
    before = fingerprint()
    with pytest.raises(error) as caught:
        call()
    assert changed_tables(before, fingerprint()) == []
    return caught.value


# --- joining ----------------------------------------------------------------------------------------------


def test_joining_writes_the_member_a_join_event_the_counter_a_card_and_one_audit_event(world):
    since = _last_audit()

    member = _join(world, reason_code="")

    assert _events(member) == [(K.JOIN, world.grassroots.pk, date(2024, 3, 1), "")]
    assert _count(world.grassroots) == 2
    [card] = _valid_cards(member)
    assert Member.objects.get(pk=member.pk).card_number == card.number
    [event] = _audits(since)
    assert (event.action, event.actor, event.object_id) == ("member.join", world.grassroots_cadre, str(member.pk))
    assert event.after["card_number"] == card.number
    assert NEW_ID not in str(event.after) and "13900002222" not in str(event.after)


def test_the_personas_joined_through_the_service_and_hold_cards(world):
    for member in world.members.values():
        assert [kind for kind, *_ in _events(member)] == [K.JOIN]
        assert len(_valid_cards(member)) == 1


def test_a_join_in_the_future_or_with_an_unknown_reason_is_refused_and_changes_nothing(world):
    assert _unchanged(lambda: _join(world, joined_on=date.today() + timedelta(days=2))).message_dict == {
        "joined_on": ["日期不能晚于今天"]}
    assert _unchanged(lambda: _join(world, reason_code="77")).message_dict == {
        "reason_code": ["会籍变化原因代码不正确"]}


def test_a_member_who_left_joins_again_on_the_same_row_with_a_new_card_and_a_fresh_join_date(world):
    member = _join(world)
    old_card = member.card_number
    membership_end(member=member, kind=K.WITHDRAW, reason_code=R.MEMBER_REQUEST, on=date(2024, 6, 1),
                   actor=world.grassroots_cadre)
    since = _last_audit()

    again = _join(world, org=world.industry, actor=world.county_cadre, joined_on=date(2025, 1, 2))

    assert again.pk == member.pk and again.status == S.ACTIVE and again.joined_on == date(2025, 1, 2)
    assert [kind for kind, *_ in _events(again)] == [K.JOIN, K.WITHDRAW, K.JOIN]
    assert (_count(world.grassroots), _count(world.industry)) == (1, 1)
    [card] = _valid_cards(again)
    assert card.number != old_card and MemberCard.objects.get(number=old_card).revoked_at is not None
    [event] = _audits(since)
    assert (event.action, event.before["status"], event.after["status"]) == ("member.rejoin", "left", "active")


def test_a_deceased_member_cannot_join_again(world):
    member = _join(world)
    membership_end(member=member, kind=K.STRIKE_OFF, reason_code=R.DECEASED, on=date(2024, 5, 5), actor=None)

    error = _unchanged(lambda: _join(world, org=world.industry, actor=world.county_cadre))

    assert "锦江区某科技公司工会" in error.message_dict["id_number"][0]


# --- transfer ---------------------------------------------------------------------------------------------


def test_a_transfer_writes_out_and_in_moves_both_counters_keeps_the_join_date_and_reissues_the_card(world):
    member = world.worker_member
    old_card = member.card_number
    since = _last_audit()

    moved = membership_transfer(member=member, to_org=world.industry, on=date(2025, 2, 3), actor=world.county_cadre)

    assert _events(moved)[-2:] == [(K.TRANSFER_OUT, world.grassroots.pk, date(2025, 2, 3), ""),
                                   (K.TRANSFER_IN, world.industry.pk, date(2025, 2, 3), "")]
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.org, fresh.status, fresh.joined_on) == (world.industry, S.ACTIVE, date(2020, 6, 1))
    assert (_count(world.grassroots), _count(world.industry)) == (0, 1)
    [card] = _valid_cards(member)
    assert fresh.card_number == card.number != old_card
    assert card_verify(card_token(member=fresh)).payload["u"] == "锦江区快递行业工会联合会"
    [event] = _audits(since)
    assert (event.action, event.after["from_org_id"], event.after["org_id"]) == (
        "member.transfer", world.grassroots.pk, world.industry.pk)


def test_a_retained_member_transferring_becomes_active_and_is_counted_only_at_the_new_union(world):
    member = membership_end(member=world.worker_member, kind=K.RETAIN, reason_code=R.LAID_OFF,
                            on=date(2024, 1, 1), actor=None)
    assert _count(world.grassroots) == 0

    membership_transfer(member=member, to_org=world.industry, on=date(2024, 2, 1), actor=world.county_cadre)

    assert (_count(world.grassroots), _count(world.industry)) == (0, 1)
    assert Member.objects.get(pk=member.pk).status == S.ACTIVE


def test_one_side_of_an_agreed_transfer_may_complete_it_but_not_move_a_member_alone(world):
    member = world.worker_member
    # the grassroots chair manages the sending union only
    _unchanged(lambda: membership_transfer(member=member, to_org=world.sibling_grassroots, on=date(2025, 1, 1),
                                           actor=world.grassroots_cadre), PermissionDenied)
    transfer = Transfer.objects.create(member=member, from_org=world.grassroots, to_org=world.sibling_grassroots,
                                       side="sending", requested_by=world.grassroots_cadre)

    membership_transfer(member=member, to_org=world.sibling_grassroots, on=date(2025, 1, 1),
                        actor=world.other_county_cadre, transfer=transfer)

    assert Member.objects.get(pk=member.pk).org == world.sibling_grassroots


@pytest.mark.parametrize("persona", ["grassroots_cadre", "other_county_cadre", "auditor", "worker", "stranger"])
def test_nobody_moves_a_member_without_managing_both_unions(world, persona):
    _unchanged(lambda: membership_transfer(member=world.worker_member, to_org=world.sibling_grassroots,
                                           on=date(2025, 1, 1), actor=world.users[persona]), PermissionDenied)


def test_a_transfer_that_does_not_match_its_record_is_refused(world):
    transfer = Transfer.objects.create(member=world.other_member, from_org=world.sibling_grassroots,
                                       to_org=world.grassroots, side="sending", requested_by=world.city_cadre)

    _unchanged(lambda: membership_transfer(member=world.worker_member, to_org=world.industry, on=date(2025, 1, 1),
                                           actor=world.county_cadre, transfer=transfer))


def test_a_transfer_to_the_same_or_a_closed_union_or_of_a_former_member_is_refused(world):
    member = world.worker_member
    assert _unchanged(lambda: membership_transfer(member=member, to_org=world.grassroots, on=date(2025, 1, 1),
                                                  actor=None)).messages == ["转入工会不能与转出工会相同"]
    org_close(org=world.industry, actor=None)
    _unchanged(lambda: membership_transfer(member=member, to_org=world.industry, on=date(2025, 1, 1), actor=None))
    membership_end(member=member, kind=K.WITHDRAW, reason_code="", on=date(2025, 1, 1), actor=None)
    _unchanged(lambda: membership_transfer(member=member, to_org=world.sibling_grassroots, on=date(2025, 2, 1),
                                           actor=None))


def test_a_transfer_dated_before_the_last_change_is_refused(world):
    error = _unchanged(lambda: membership_transfer(member=world.worker_member, to_org=world.industry,
                                                   on=date(2019, 1, 1), actor=None))

    assert error.message_dict == {"on": ["会籍变化日期不能早于2020-06-01"]}


# --- ending and retaining ---------------------------------------------------------------------------------


def test_withdrawing_ends_the_membership_uncounts_it_revokes_the_card_and_is_audited(world):
    member = world.worker_member
    since = _last_audit()

    ended = membership_end(member=member, kind=K.WITHDRAW, reason_code=R.MEMBER_REQUEST, on=date(2025, 5, 1),
                           actor=world.grassroots_cadre, note="本人书面申请")

    assert ended.status == S.LEFT == Member.objects.get(pk=member.pk).status
    assert _events(member)[-1] == (K.WITHDRAW, world.grassroots.pk, date(2025, 5, 1), R.MEMBER_REQUEST)
    assert _count(world.grassroots) == 0
    assert _valid_cards(member) == [] and Member.objects.get(pk=member.pk).card_number is None
    [event] = _audits(since)
    assert (event.action, event.before["status"], event.after["status"], event.after["kind"]) == (
        "member.end", "active", "left", K.WITHDRAW)


def test_a_retained_member_keeps_the_card_but_is_not_counted_as_active(world):
    member = membership_end(member=world.worker_member, kind=K.RETAIN, reason_code=R.LAID_OFF, on=date(2025, 1, 1),
                            actor=world.county_cadre)

    assert member.status == S.RETAINED and _count(world.grassroots) == 0
    assert len(_valid_cards(member)) == 1
    check = card_verify(card_token(member=member))
    assert check.valid and check.payload["s"] == "retained"


def test_a_retained_member_who_withdraws_leaves_the_counter_alone(world):
    member = membership_end(member=world.worker_member, kind=K.RETAIN, reason_code="", on=date(2025, 1, 1), actor=None)

    membership_end(member=member, kind=K.WITHDRAW, reason_code="", on=date(2025, 3, 1), actor=None)

    assert _count(world.grassroots) == 0 and _valid_cards(member) == []


def test_a_death_is_struck_off_with_the_deceased_reason_and_shows_as_deceased(world):
    member = membership_end(member=world.worker_member, kind=K.STRIKE_OFF, reason_code=R.DECEASED,
                            on=date(2025, 4, 4), actor=world.grassroots_cadre, note="家属告知")

    assert member.status == S.DECEASED and _count(world.grassroots) == 0 and _valid_cards(member) == []


@pytest.mark.parametrize(("kind", "reason", "message_key"), [
    (K.JOIN, "", "kind"), (K.TRANSFER_OUT, "", "kind"), (K.WITHDRAW, "99", "reason_code"),
    (K.WITHDRAW, R.DECEASED, "reason_code"),
])
def test_ending_with_a_wrong_kind_or_reason_is_refused(world, kind, reason, message_key):
    error = _unchanged(lambda: membership_end(member=world.worker_member, kind=kind, reason_code=reason,
                                              on=date(2025, 1, 1), actor=None))

    assert list(error.message_dict) == [message_key]


def test_an_ended_membership_cannot_end_again_and_a_retained_one_cannot_be_retained_again(world):
    member = membership_end(member=world.worker_member, kind=K.RETAIN, reason_code="", on=date(2025, 1, 1), actor=None)
    _unchanged(lambda: membership_end(member=member, kind=K.RETAIN, reason_code="", on=date(2025, 2, 1), actor=None))
    membership_end(member=member, kind=K.STRIKE_OFF, reason_code=R.EXPELLED, on=date(2025, 2, 1), actor=None)

    error = _unchanged(lambda: membership_end(member=member, kind=K.WITHDRAW, reason_code="", on=date(2025, 3, 1),
                                              actor=None))

    assert error.messages == ["会籍状态为“已除名”，不能办理退会"]


@pytest.mark.parametrize("persona", ["other_county_cadre", "auditor", "worker", "stranger", "other_province_cadre"])
def test_nobody_outside_the_managing_scope_ends_a_membership(world, persona):
    _unchanged(lambda: membership_end(member=world.worker_member, kind=K.WITHDRAW, reason_code="",
                                      on=date(2025, 1, 1), actor=world.users[persona]), PermissionDenied)


# --- status derivation ------------------------------------------------------------------------------------


class _E:
    def __init__(self, kind, reason_code=""):
        self.kind, self.reason_code = kind, reason_code


@pytest.mark.parametrize(("kinds", "status"), [
    ([], S.ACTIVE),
    ([K.JOIN], S.ACTIVE),
    ([K.JOIN, K.RETAIN], S.RETAINED),
    ([K.JOIN, K.TRANSFER_OUT], S.TRANSFERRED),
    ([K.JOIN, K.TRANSFER_OUT, K.TRANSFER_IN], S.ACTIVE),
    ([K.JOIN, K.WITHDRAW], S.LEFT),
    ([K.JOIN, K.STRIKE_OFF], S.STRUCK_OFF),
    ([K.JOIN, (K.STRIKE_OFF, R.DECEASED)], S.DECEASED),
    ([K.JOIN, K.WITHDRAW, K.JOIN], S.ACTIVE),
])
def test_the_status_is_what_the_last_event_says(kinds, status):
    events = [_E(*k) if isinstance(k, tuple) else _E(k) for k in kinds]

    assert member_status_from_events(events) == status


def test_after_any_sequence_of_services_status_counters_and_cards_agree_with_the_history(world):
    rng = random.Random(20260514)
    orgs = [world.grassroots, world.industry, world.sibling_grassroots, world.county]
    day = date(2023, 1, 1)
    people = [idnumber.make("510104", date(1980, 1, 1) + timedelta(days=i * 97), 600 + i) for i in range(8)]
    done = set()
    for _step in range(120):
        day += timedelta(days=rng.randint(0, 3))
        op = rng.choice(["join", "join", "transfer", "retain", "withdraw", "strike_off", "deceased", "update"])
        members = list(Member.objects.all())
        member = rng.choice(members)
        try:
            if op == "join":
                n = rng.randrange(len(people))
                member_join(org=rng.choice(orgs), name=f"会员{n}", id_number=people[n], joined_on=day, actor=None)
            elif op == "transfer":
                membership_transfer(member=member, to_org=rng.choice(orgs), on=day, actor=None)
            elif op == "update":
                member_update(member=member, actor=None, work_unit=f"单位{_step}")
            else:
                kind = {"retain": K.RETAIN, "withdraw": K.WITHDRAW}.get(op, K.STRIKE_OFF)
                membership_end(member=member, kind=kind, reason_code=R.DECEASED if op == "deceased" else "",
                               on=day, actor=None)
            done.add(op)
        except ValidationError:
            pass
        for m in Member.objects.all():
            events = list(MembershipEvent.objects.filter(member=m))
            assert m.status == member_status_from_events(events), (op, m, [e.kind for e in events])
            valid = _valid_cards(m)
            assert len(valid) == (1 if m.status in (S.ACTIVE, S.RETAINED) else 0), (op, m)
            assert m.card_number == (valid[0].number if valid else None)
        for org in Org.objects.all():
            assert org.member_count == Member.objects.filter(org=org, status=S.ACTIVE).count(), (op, org)
    assert done >= {"join", "transfer", "retain", "withdraw", "strike_off", "deceased", "update"}


# --- the record's fields ----------------------------------------------------------------------------------


def test_a_cadre_corrects_national_fields_name_and_phone_audited_masked(world):
    member = world.worker_member
    since = _last_audit()

    updated = member_update(member=member, actor=world.grassroots_cadre, name="张 伟伟", phone="13911112222",
                            education="20", skill_level="3", household_place="510104", migrant_worker=True)

    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.name, fresh.name_initials, fresh.phone) == ("张伟伟", "zww", "13911112222")
    assert (fresh.education, fresh.skill_level, fresh.household_place, fresh.migrant_worker) == ("20", "3", "510104",
                                                                                                  True)
    assert updated.phone_masked == "139****2222"
    [event] = _audits(since)
    assert event.action == "member.update"
    assert event.before["phone"] == "138****0001" and event.after["phone"] == "139****2222"
    assert event.before["name"] == "张伟" and event.after["education"] == "20"
    assert "13911112222" not in str(event.after) and "13800010001" not in str(event.before)


def test_an_update_that_changes_nothing_writes_nothing(world):
    before = fingerprint()

    member_update(member=world.worker_member, actor=world.grassroots_cadre, name="张伟", ethnicity="01")

    assert changed_tables(before, fingerprint()) == []


@pytest.mark.parametrize(("fields", "key"), [
    ({"id_number": NEW_ID}, "id_number"), ({"birth_date": date(1990, 1, 1)}, "birth_date"),
    ({"status": "left"}, "status"), ({"org": 1}, "org"), ({"education": "55"}, "education"),
    ({"phone": "12345"}, "phone"), ({"household_place": "51"}, "household_place"), ({"name": " "}, "name"),
])
def test_an_update_of_identity_fields_or_with_a_wrong_code_is_refused(world, fields, key):
    error = _unchanged(lambda: member_update(member=world.worker_member, actor=world.grassroots_cadre, **fields))

    assert key in error.message_dict


@pytest.mark.parametrize("persona", ["other_county_cadre", "auditor", "worker", "stranger"])
def test_nobody_outside_the_managing_scope_updates_a_member(world, persona):
    _unchanged(lambda: member_update(member=world.worker_member, actor=world.users[persona], work_unit="外单位"),
               PermissionDenied)


def test_membership_years_count_whole_years_from_the_join_date(world):
    member = world.worker_member  # joined 2020-06-01

    assert membership_years(member, date(2025, 5, 31)) == 4
    assert membership_years(member, date(2025, 6, 1)) == 5
    assert membership_years(member, date(2019, 1, 1)) == 0
