"""Finding members: by name, by pinyin initials, by exact ID number, and only within scope."""
from datetime import date

import pytest
from django.http import Http404

from gonghui.core import idnumber
from gonghui.core.testing.personas import OTHER_WORKER_ID, WORKER_ID
from gonghui.members.models import Member
from gonghui.members.selectors import member_get, member_search
from gonghui.members.services import member_register


def _names(queryset) -> list[str]:
    return [m.name for m in queryset]


@pytest.mark.parametrize(("persona", "expected"), [
    ("province_cadre", {"张伟", "李娜"}),
    ("auditor", {"张伟", "李娜"}),
    ("county_cadre", {"张伟"}),
    ("grassroots_cadre", {"张伟"}),
    ("other_county_cadre", {"李娜"}),
    ("other_province_cadre", {"王芳"}),
    ("worker", {"张伟"}),
    ("other_worker", {"李娜"}),
    ("stranger", set()),
])
def test_each_persona_sees_the_members_of_their_subtrees_or_their_own_record(world, persona, expected):
    assert set(_names(Member.objects.visible_to(world.users[persona]))) == expected


def test_nobody_signed_in_sees_no_member(world):
    assert not Member.objects.visible_to(None).exists()


def test_search_by_part_of_a_name(world):
    assert _names(member_search(actor=world.province_cadre, query="伟")) == ["张伟"]


def test_search_by_pinyin_initials_in_any_case(world):
    member_register(org=world.grassroots, name="赵敏", id_number=idnumber.make("510104", date(1995, 1, 1), 1),
                    joined_on=date(2024, 1, 1), actor=None)

    assert _names(member_search(actor=world.county_cadre, query="zw")) == ["张伟"]
    assert _names(member_search(actor=world.county_cadre, query="ZW")) == ["张伟"]
    assert _names(member_search(actor=world.county_cadre, query="z")) == ["赵敏", "张伟"]  # by initials: zm, zw


def test_search_by_exact_id_number_with_spaces_and_a_lowercase_x(world):
    number = idnumber.make("510104", date(1995, 1, 1), 2)
    while not number.endswith("X"):  # find a sequence whose check digit is X
        number = idnumber.make("510104", date(1995, 1, 1), int(number[14:17]) + 1)
    member_register(org=world.grassroots, name="赵敏", id_number=number, joined_on=date(2024, 1, 1), actor=None)
    typed = f"{number[:6]} {number[6:14]} {number[14:].lower()}"

    assert _names(member_search(actor=world.county_cadre, query=typed)) == ["赵敏"]
    assert _names(member_search(actor=world.county_cadre, query=WORKER_ID)) == ["张伟"]


def test_search_by_full_width_id_number(world):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in WORKER_ID)

    assert _names(member_search(actor=world.county_cadre, query=full_width)) == ["张伟"]


def test_search_never_crosses_the_scope(world):
    assert _names(member_search(actor=world.county_cadre, query=OTHER_WORKER_ID)) == []
    assert _names(member_search(actor=world.county_cadre, query="李娜")) == []
    assert _names(member_search(actor=world.county_cadre, query="ln")) == []
    assert _names(member_search(actor=world.stranger, query="张伟")) == []


def test_search_within_one_org_of_the_scope(world):
    assert _names(member_search(actor=world.province_cadre, query="", org=world.sibling_county)) == ["李娜"]
    assert _names(member_search(actor=world.province_cadre, query="", org=world.county)) == ["张伟"]


def test_an_empty_search_lists_the_scope_in_tree_order(world):
    assert _names(member_search(actor=world.province_cadre, query="  ")) == ["张伟", "李娜"]


def test_a_member_out_of_scope_is_answered_like_a_missing_one(world):
    assert member_get(actor=world.county_cadre, pk=world.worker_member.pk) == world.worker_member
    assert member_get(actor=world.worker, pk=world.worker_member.pk) == world.worker_member
    for actor, pk in [(world.county_cadre, world.other_member.pk), (world.worker, world.other_member.pk),
                      (world.county_cadre, 999_999)]:
        with pytest.raises(Http404):
            member_get(actor=actor, pk=pk)
