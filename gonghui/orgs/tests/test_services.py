"""Writes to the union tree: founding, moving subtrees, merging, closing, and who may do them."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gonghui.core import uscc
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org, OrgEvent
from gonghui.orgs.selectors import subtree_member_count
from gonghui.orgs.services import org_close, org_create, org_merge, org_move, org_update


def _fresh(org: Org) -> Org:
    return Org.objects.get(pk=org.pk)


def _grassroots(parent, name, code, serial, *, actor=None, **extra):
    return org_create(parent=parent, name=name, kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS, code=code,
                      uscc=uscc.make("510104", serial), actor=actor, **extra)


def _tree_total() -> int:
    return sum(Org.objects.values_list("member_count", flat=True))


def _live_count(org: Org) -> int:
    return Member.objects.filter(org=org, status=MemberStatus.ACTIVE).count()


# --- founding ---------------------------------------------------------------------------------------


def test_a_root_federation_has_its_own_id_as_path_and_depth_zero(db):
    province = org_create(parent=None, name="四川省总工会", kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE,
                          code="51", actor=None)

    assert province.path == f"/{province.pk}/"
    assert province.depth == 0
    assert _fresh(province).path == province.path


def test_an_org_path_extends_its_parent_path_and_depth(world):
    assert world.city.path == f"{world.province.path}{world.city.pk}/"
    assert world.county.path == f"{world.city.path}{world.county.pk}/"
    assert world.grassroots.path == f"{world.county.path}{world.grassroots.pk}/"
    assert [world.province.depth, world.city.depth, world.county.depth, world.grassroots.depth] == [0, 1, 2, 3]


def test_founding_writes_a_found_event(world):
    event = OrgEvent.objects.get(org=world.grassroots)

    assert (event.kind, event.new_parent, event.new_path) == ("found", world.county, world.grassroots.path)
    assert event.on == date(2015, 3, 1)


def test_a_county_cadre_founds_a_grassroots_union_in_their_county(world):
    org = _grassroots(world.county, "锦江区某餐饮公司工会", "510104G9", 90, actor=world.county_cadre)

    assert org.parent == world.county
    assert org.depth == 3
    assert org.status == OrgStatus.ACTIVE


def test_only_a_federation_may_be_a_root(db):
    with pytest.raises(ValidationError):
        org_create(parent=None, name="某企业工会", kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS, code="X1",
                   actor=None)

    assert Org.objects.count() == 0


def test_only_the_system_founds_a_root_federation(world):
    with pytest.raises(PermissionDenied):
        org_create(parent=None, name="重庆市总工会", kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE, code="50",
                   actor=world.province_cadre)

    assert not Org.objects.filter(code="50").exists()


def test_no_org_is_founded_under_a_closed_one(world):
    branch = org_create(parent=world.grassroots, name="一分会", kind=OrgKind.BRANCH, level=OrgLevel.GRASSROOTS,
                        code="B1", actor=None)
    org_close(org=branch, actor=None)

    with pytest.raises(ValidationError) as caught:
        org_create(parent=branch, name="小组", kind=OrgKind.BRANCH, level=OrgLevel.GRASSROOTS, code="B1G1",
                   actor=None)

    assert caught.value.messages == ["上级工会“一分会”已撤销，不能在其下建会"]


def test_an_invalid_credit_code_is_refused_in_chinese(world):
    with pytest.raises(ValidationError) as caught:
        org_create(parent=world.county, name="某公司工会", kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS,
                   code="510104G8", uscc="91510104MA00000000", actor=world.county_cadre)

    assert caught.value.message_dict == {"uscc": ["统一社会信用代码校验位不正确"]}


def test_a_duplicate_org_code_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        org_create(parent=world.county, name="另一个", kind=OrgKind.INDUSTRY, level=OrgLevel.COUNTY,
                   code="510104G1", actor=world.county_cadre)

    assert "code" in caught.value.message_dict


# --- the credit code: one active grassroots union per employer --------------------------------------


def test_a_second_active_grassroots_union_with_the_same_credit_code_is_refused(world):
    before = fingerprint()

    with pytest.raises(ValidationError) as caught:
        _grassroots(world.sibling_county, "重复工会", "510105G9", 1)  # serial 1 = the grassroots persona's code

    assert caught.value.messages == ["该统一社会信用代码已有正常状态的基层工会"]
    assert changed_tables(before, fingerprint()) == []


def test_the_database_refuses_a_duplicate_credit_code_even_when_the_service_is_bypassed(world):
    duplicate = Org(parent=world.sibling_county, name="绕过校验", kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS,
                    code="510105G9", path="/bypass/", uscc=world.grassroots.uscc)

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()

    assert Org.objects.filter(uscc=world.grassroots.uscc).count() == 1


def test_the_credit_code_of_a_closed_union_may_be_used_again(world):
    org = _grassroots(world.county, "旧工会", "510104G7", 77)
    org_close(org=org, actor=None)

    again = _grassroots(world.county, "新工会", "510104G8", 77)

    assert again.uscc == org.uscc
    assert Org.objects.filter(uscc=org.uscc).count() == 2


# --- updating ----------------------------------------------------------------------------------------


def test_org_update_changes_attributes_but_never_the_place_in_the_tree(world):
    org = org_update(org=world.grassroots, chair_name="王强", actor=world.grassroots_cadre)

    assert _fresh(org).chair_name == "王强"
    with pytest.raises(ValueError, match="cannot change"):
        org_update(org=world.grassroots, parent=world.sibling_county, actor=None)
    assert _fresh(world.grassroots).parent == world.county


# --- moving ------------------------------------------------------------------------------------------


def test_moving_a_subtree_rewrites_every_descendant_path_and_depth(world):
    # given a branch under the grassroots union, so the county's subtree is three levels deep
    branch = org_create(parent=world.grassroots, name="一分会", kind=OrgKind.BRANCH, level=OrgLevel.GRASSROOTS,
                        code="B1", actor=None)
    untouched = {o.pk: (o.path, o.depth) for o in Org.objects.exclude(pk__in=[
        world.county.pk, world.grassroots.pk, world.industry.pk, branch.pk])}

    # when the county moves from 成都 to 绵阳
    org_move(org=world.county, new_parent=world.sibling_city, actor=world.province_cadre)

    # then every org of its subtree has the new prefix and depth, and nothing else moved
    county = _fresh(world.county)
    assert county.parent == world.sibling_city
    assert county.path == f"{world.sibling_city.path}{county.pk}/"
    assert (_fresh(world.grassroots).path, _fresh(world.grassroots).depth) == (
        f"{county.path}{world.grassroots.pk}/", 3)
    assert (_fresh(world.industry).path, _fresh(world.industry).depth) == (f"{county.path}{world.industry.pk}/", 3)
    assert (_fresh(branch).path, _fresh(branch).depth) == (f"{county.path}{world.grassroots.pk}/{branch.pk}/", 4)
    assert {o.pk: (o.path, o.depth) for o in Org.objects.filter(pk__in=untouched)} == untouched


def test_moving_up_a_level_lowers_the_depth_of_the_subtree(world):
    org_move(org=world.grassroots, new_parent=world.province, actor=world.province_cadre)

    assert (_fresh(world.grassroots).depth, _fresh(world.grassroots).path) == (
        1, f"{world.province.path}{world.grassroots.pk}/")


def test_a_move_keeps_its_history(world):
    old_path = world.county.path

    org_move(org=world.county, new_parent=world.sibling_city, actor=world.province_cadre, note="区划调整")

    event = OrgEvent.objects.get(org=world.county, kind=OrgEvent.Kind.MOVE)
    assert (event.old_parent, event.new_parent) == (world.city, world.sibling_city)
    assert (event.old_path, event.new_path) == (old_path, _fresh(world.county).path)
    assert event.note == "区划调整"


def test_moving_keeps_members_and_their_counts_with_the_subtree(world):
    org_move(org=world.county, new_parent=world.sibling_city, actor=world.province_cadre)

    assert subtree_member_count(_fresh(world.sibling_city)) == 1
    assert subtree_member_count(_fresh(world.city)) == 1
    assert subtree_member_count(_fresh(world.province)) == 2


@pytest.mark.parametrize("target", ["county", "grassroots"])
def test_an_org_cannot_move_under_itself_or_its_descendant(world, target):
    before = fingerprint()

    with pytest.raises(ValidationError) as caught:
        org_move(org=world.county, new_parent=world.orgs[target], actor=world.province_cadre)

    assert caught.value.messages == ["不能把工会移到它自己或它的下级之下"]
    assert changed_tables(before, fingerprint()) == []


def test_the_root_cannot_move(world):
    before = fingerprint()

    with pytest.raises(ValidationError) as caught:
        org_move(org=world.other_province, new_parent=world.province, actor=None)

    assert caught.value.messages == ["最上级总工会不能移动"]
    assert changed_tables(before, fingerprint()) == []


def test_no_org_moves_under_a_closed_one(world):
    branch = org_create(parent=world.grassroots, name="一分会", kind=OrgKind.BRANCH, level=OrgLevel.GRASSROOTS,
                        code="B1", actor=None)
    org_close(org=branch, actor=None)

    with pytest.raises(ValidationError) as caught:
        org_move(org=world.industry, new_parent=branch, actor=None)

    assert caught.value.messages == ["目标上级工会已撤销"]


# --- closing -----------------------------------------------------------------------------------------


def test_closing_keeps_the_row_with_its_status_and_date(world):
    org = org_create(parent=world.county, name="空工会", kind=OrgKind.INDUSTRY, level=OrgLevel.COUNTY, code="E1",
                     actor=None)

    org_close(org=org, actor=world.county_cadre, on=date(2026, 3, 1), note="企业注销")

    closed = _fresh(org)
    assert (closed.status, closed.closed_on) == (OrgStatus.CLOSED, date(2026, 3, 1))
    event = OrgEvent.objects.get(org=org, kind=OrgEvent.Kind.CLOSE)
    assert (event.on, event.note, event.old_path) == (date(2026, 3, 1), "企业注销", org.path)


def test_an_org_with_members_cannot_close(world):
    before = fingerprint()

    with pytest.raises(ValidationError) as caught:
        org_close(org=world.grassroots, actor=world.county_cadre)

    assert caught.value.messages == ["该工会还有1名会员，请先办理转会"]
    assert changed_tables(before, fingerprint()) == []


def test_an_org_with_active_children_cannot_close(world):
    before = fingerprint()

    with pytest.raises(ValidationError) as caught:
        org_close(org=world.city, actor=None)

    assert caught.value.messages == ["该工会还有正常状态的下级组织，请先移动或撤销"]
    assert changed_tables(before, fingerprint()) == []


def test_an_org_whose_children_are_all_closed_may_close(world):
    # given 绵阳 has one child, closed
    closed_child = org_create(parent=world.sibling_city, name="涪城区总工会", kind=OrgKind.FEDERATION,
                            level=OrgLevel.COUNTY, code="510703", actor=None)
    org_close(org=closed_child, actor=None)

    # when 绵阳 closes
    org_close(org=world.sibling_city, actor=None)

    # then it is closed
    assert _fresh(world.sibling_city).status == OrgStatus.CLOSED


def test_a_closed_org_cannot_close_again(world):
    org_close(org=world.industry, actor=None)

    with pytest.raises(ValidationError) as caught:
        org_close(org=world.industry, actor=None)

    assert caught.value.messages == ["该工会已撤销或已合并"]


# --- merging -----------------------------------------------------------------------------------------


def test_merging_moves_children_and_members_and_marks_the_source_merged(world):
    # given the county has two child orgs and one member (in its grassroots union), and a direct member
    total_before = _tree_total()
    from gonghui.core import idnumber
    from gonghui.members.services import member_register
    direct = member_register(org=world.county, name="周敏", id_number=idnumber.make("510104", date(1988, 8, 8), 11),
                             joined_on=date(2020, 1, 1), actor=None)

    # when 锦江区 merges into 青羊区
    org_merge(source=world.county, target=world.sibling_county, actor=world.city_cadre, on=date(2026, 1, 1))

    # then the children sit under 青羊区, the direct member too, and 锦江区 remains as a merged row
    source, target = _fresh(world.county), _fresh(world.sibling_county)
    assert set(target.children.values_list("pk", flat=True)) == {
        world.sibling_grassroots.pk, world.grassroots.pk, world.industry.pk}
    assert _fresh(world.grassroots).path.startswith(target.path)
    assert Member.objects.get(pk=direct.pk).org == target
    assert Member.objects.get(pk=world.worker_member.pk).org == world.grassroots
    assert (source.status, source.merged_into, source.closed_on) == (OrgStatus.MERGED, target, date(2026, 1, 1))
    event = OrgEvent.objects.get(org=source, kind=OrgEvent.Kind.MERGE)
    assert (event.old_path, event.new_path, event.new_parent) == (source.path, target.path, target)
    # and the counters stay exact
    assert (source.member_count, target.member_count) == (0, 1)
    assert _tree_total() == total_before + 1
    for org in Org.objects.all():
        assert org.member_count == _live_count(org), org


def test_a_merge_keeps_counts_of_members_who_left(world):
    from gonghui.core import idnumber
    from gonghui.members.services import member_register
    left = member_register(org=world.grassroots, name="退会者", id_number=idnumber.make("510104", date(1970, 1, 1), 5),
                           joined_on=date(2000, 1, 1), status=MemberStatus.LEFT, actor=None)

    org_merge(source=world.grassroots, target=world.sibling_grassroots, actor=world.city_cadre)

    assert Member.objects.get(pk=left.pk).org == world.sibling_grassroots
    assert _fresh(world.sibling_grassroots).member_count == 2
    assert _fresh(world.grassroots).member_count == 0


def test_merging_into_itself_or_a_descendant_is_refused(world):
    before = fingerprint()

    for target in (world.county, world.grassroots):
        with pytest.raises(ValidationError) as caught:
            org_merge(source=world.county, target=target, actor=world.city_cadre)
        assert caught.value.messages == ["不能把工会并入它自己或它的下级"]

    assert changed_tables(before, fingerprint()) == []


def test_a_merged_org_cannot_merge_or_take_a_merge_again(world):
    org_merge(source=world.grassroots, target=world.industry, actor=world.county_cadre)

    with pytest.raises(ValidationError) as caught:
        org_merge(source=world.sibling_grassroots, target=world.grassroots, actor=world.city_cadre)

    assert caught.value.messages == ["只有正常状态的工会可以合并"]


def test_the_credit_code_of_a_merged_union_is_free_again(world):
    org_merge(source=world.grassroots, target=world.sibling_grassroots, actor=world.city_cadre)

    again = org_create(parent=world.county, name="重新建会", kind=OrgKind.GRASSROOTS, level=OrgLevel.GRASSROOTS,
                       code="510104G2", uscc=world.grassroots.uscc, actor=None)

    assert again.uscc == world.grassroots.uscc


# --- out of scope: refused, and nothing changes -----------------------------------------------------


def _refused(call):
    before = fingerprint()
    with pytest.raises(PermissionDenied):
        call()
    assert changed_tables(before, fingerprint()) == []


def test_a_cadre_cannot_found_an_org_outside_their_subtree(world):
    _refused(lambda: _grassroots(world.sibling_county, "越权工会", "510105G9", 99, actor=world.county_cadre))


def test_a_cadre_cannot_update_an_org_outside_their_subtree(world):
    _refused(lambda: org_update(org=world.sibling_grassroots, name="越权", actor=world.county_cadre))


def test_a_cadre_cannot_move_an_org_outside_their_subtree(world):
    _refused(lambda: org_move(org=world.sibling_grassroots, new_parent=world.county, actor=world.county_cadre))


def test_a_cadre_cannot_move_their_own_org_out_of_their_subtree(world):
    _refused(lambda: org_move(org=world.grassroots, new_parent=world.sibling_county, actor=world.county_cadre))


def test_a_cadre_cannot_close_an_org_outside_their_subtree(world):
    empty = org_create(parent=world.sibling_county, name="空工会", kind=OrgKind.INDUSTRY, level=OrgLevel.COUNTY,
                       code="E2", actor=None)
    _refused(lambda: org_close(org=empty, actor=world.county_cadre))


def test_a_cadre_cannot_merge_across_the_edge_of_their_subtree(world):
    _refused(lambda: org_merge(source=world.grassroots, target=world.sibling_grassroots, actor=world.county_cadre))


def test_a_grassroots_cadre_cannot_change_their_parent_federation(world):
    _refused(lambda: org_update(org=world.county, name="越权", actor=world.grassroots_cadre))


def test_an_auditor_reads_but_cannot_change_anything(world):
    _refused(lambda: org_update(org=world.grassroots, name="审计改名", actor=world.auditor))


@pytest.mark.parametrize("persona", ["worker", "stranger"])
def test_people_without_a_managing_role_change_nothing(world, persona):
    _refused(lambda: org_update(org=world.grassroots, name="改名", actor=world.users[persona]))
