"""The real-name register: one person, one member; refusals in Chinese; numbers encrypted."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gonghui.core import idnumber
from gonghui.core.testing.personas import OTHER_WORKER_ID, WORKER_ID
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.members.records import identity_columns
from gonghui.members.services import member_register, members_reattach
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_close

NEW_ID = idnumber.make("510104", date(1992, 2, 29), 321)


def _register(world, *, org=None, actor=None, **overrides):
    fields = {"name": "陈静", "id_number": NEW_ID, "phone": "13900001111", "joined_on": date(2024, 1, 1)}
    return member_register(org=org or world.grassroots, actor=actor or world.grassroots_cadre, **(fields | overrides))


def _refusal(world, **overrides) -> dict:
    before = fingerprint()
    with pytest.raises(ValidationError) as caught:
        _register(world, **overrides)
    assert changed_tables(before, fingerprint()) == []
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def test_registering_derives_birth_date_gender_division_and_initials(world):
    member = _register(world)

    member.refresh_from_db()
    assert (member.name, member.name_initials) == ("陈静", "cj")
    assert (member.birth_date, member.gender, member.division_code) == (date(1992, 2, 29), "1", "510104")
    assert (member.id_number, member.phone) == (NEW_ID, "13900001111")
    assert (member.id_number_masked, member.phone_masked) == ("5101**********" + NEW_ID[-4:], "139****1111")
    assert member.status == MemberStatus.ACTIVE


def test_registering_counts_the_member_on_their_union_in_the_same_transaction(world):
    _register(world)

    assert Org.objects.get(pk=world.grassroots.pk).member_count == 2


def test_a_member_registered_as_left_is_not_counted(world):
    _register(world, status=MemberStatus.LEFT)

    assert Org.objects.get(pk=world.grassroots.pk).member_count == 1


def test_the_id_number_is_normalised_before_it_is_stored(world):
    spaced = " ".join([NEW_ID[:6], NEW_ID[6:14], NEW_ID[14:]])

    member = _register(world, id_number=spaced, name=" 陈 静 ")

    assert (member.id_number, member.name) == (NEW_ID, "陈静")


def test_a_wrong_check_digit_is_refused_in_chinese(world):
    wrong = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")

    assert _refusal(world, id_number=wrong) == {"id_number": ["身份证号校验位不正确，请核对最后一位"]}


def test_an_impossible_birth_date_is_refused_in_chinese(world):
    first17 = "51010419900230123"

    assert _refusal(world, id_number=first17 + idnumber.check_digit(first17)) == {
        "id_number": ["身份证号中的出生日期不存在"]}


def test_a_bad_phone_number_is_refused_in_chinese(world):
    assert _refusal(world, phone="1390000111") == {"phone": ["手机号码应为11位数字，以1开头"]}


def test_a_member_of_another_union_is_refused_naming_that_union_and_masking_the_person(world):
    assert _refusal(world, id_number=OTHER_WORKER_ID) == {
        "id_number": [f"此人已是“青羊区某医院工会”的会员（5101**********{OTHER_WORKER_ID[-4:]}）"]}


def test_a_person_registered_again_in_the_same_union_is_refused(world):
    messages = _refusal(world, id_number=WORKER_ID.lower())

    assert messages == {"id_number": [f"此人已是“锦江区某科技公司工会”的会员（5101**********{WORKER_ID[-4:]}）"]}


def test_a_person_who_left_and_joins_again_is_still_the_same_person(world):
    left = _register(world, status=MemberStatus.LEFT)

    again = _register(world, org=world.industry, actor=world.county_cadre, joined_on=date(2025, 3, 1))

    assert again.pk == left.pk and Member.objects.count() == 4
    assert (again.org, again.status, again.joined_on) == (world.industry, MemberStatus.ACTIVE, date(2025, 3, 1))


def test_the_database_refuses_a_second_row_for_the_same_person(world):
    # The service checks first; the unique index on the blind index is what holds under a race.
    identity = identity_columns(name="张伟", id_number=WORKER_ID)
    from dataclasses import asdict

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(org=world.industry, joined_on=date(2024, 1, 1), **asdict(identity))

    assert Member.objects.count() == 3


def test_nobody_is_registered_in_a_closed_union(world):
    org_close(org=world.industry, actor=None)

    assert _refusal(world, org=world.industry, actor=world.county_cadre) == {
        "__all__": ["工会“锦江区快递行业工会联合会”已撤销，不能登记会员"]}


def test_an_empty_name_is_refused(world):
    assert list(_refusal(world, name="  ")) == ["name"]


@pytest.mark.parametrize(("persona", "org"), [
    ("other_county_cadre", "grassroots"), ("grassroots_cadre", "industry"), ("county_cadre", "sibling_grassroots"),
    ("auditor", "grassroots"), ("worker", "grassroots"), ("stranger", "grassroots"),
])
def test_nobody_registers_a_member_outside_their_managing_scope(world, persona, org):
    target = world.orgs[org]
    before = fingerprint()

    with pytest.raises(PermissionDenied):
        _register(world, org=target, actor=world.users[persona])

    assert changed_tables(before, fingerprint()) == []


def test_members_reattach_moves_every_member_and_both_counters(world):
    # given the grassroots union has an active member and one who left
    _register(world, status=MemberStatus.LEFT)

    # when its members join the industry union
    moved = members_reattach(source=world.grassroots, target=world.industry, actor=world.county_cadre)

    # then both rows moved and only the active one is counted
    assert moved == 2
    assert Member.objects.filter(org=world.industry).count() == 2
    assert Org.objects.get(pk=world.grassroots.pk).member_count == 0
    assert Org.objects.get(pk=world.industry.pk).member_count == 1


def test_members_reattach_counts_from_the_database_not_from_a_stale_copy(world):
    stale = Org.objects.get(pk=world.grassroots.pk)
    _register(world)  # the counter is now 2; `stale` still says 1

    members_reattach(source=stale, target=world.industry, actor=world.county_cadre)

    assert Org.objects.get(pk=world.industry.pk).member_count == 2
    assert Org.objects.get(pk=world.grassroots.pk).member_count == 0


@pytest.mark.parametrize(("persona", "source", "target"), [
    ("county_cadre", "sibling_grassroots", "grassroots"),
    ("county_cadre", "grassroots", "sibling_grassroots"),
    ("grassroots_cadre", "grassroots", "industry"),
    ("worker", "grassroots", "industry"),
])
def test_members_reattach_refuses_an_actor_who_does_not_manage_both_unions(world, persona, source, target):
    before = fingerprint()

    with pytest.raises(PermissionDenied):
        members_reattach(source=world.orgs[source], target=world.orgs[target], actor=world.users[persona])

    assert changed_tables(before, fingerprint()) == []


def test_a_registration_racing_another_for_the_same_person_is_refused_in_chinese(world):
    # given the other registration committed between this one's check and its insert
    from unittest import mock

    from django.db.models.query import QuerySet

    before = fingerprint()
    with mock.patch.object(QuerySet, "first", return_value=None), pytest.raises(ValidationError) as caught:
        # when this one inserts the same person
        _register(world, id_number=WORKER_ID, org=world.industry, actor=world.county_cadre)

    # then the unique index refuses it, with a message, and no counter or event moved
    assert caught.value.message_dict == {"id_number": ["此人已登记为会员"]}
    assert changed_tables(before, fingerprint()) == []
