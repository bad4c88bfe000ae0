"""Which union decides a join application: the employer's, the new-forms union of the work place, the county's."""
import pytest
from django.core.exceptions import ValidationError

from gonghui.core import uscc
from gonghui.joining.choices import RouteReason
from gonghui.joining.routing import join_route
from gonghui.joining.selectors import employer_search
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_close, org_create, org_merge


def _message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_a_worker_whose_employer_has_a_union_goes_to_that_union(world):
    assert join_route(employer_org=world.grassroots, employment_form="courier", work_division_code="510105") == (
        world.grassroots, RouteReason.EMPLOYER)


def test_a_courier_goes_to_the_courier_union_of_the_county_they_work_in(world):
    assert join_route(employment_form="courier", work_division_code="510104") == (world.industry,
                                                                                   RouteReason.NEW_FORMS)


def test_a_courier_working_in_a_township_of_the_county_goes_to_the_same_union(world):
    assert join_route(employment_form="courier", work_division_code="510104021")[0] == world.industry


def test_a_regional_union_of_the_workers_township_comes_before_the_county_industry_union(world):
    regional = org_create(parent=world.county, name="锦江区某街道区域性工会联合会", kind=OrgKind.REGIONAL,
                          level=OrgLevel.TOWNSHIP, code="510104R9", division_code="510104021", actor=None,
                          organised_forms=["courier", "rider"])

    assert join_route(employment_form="courier", work_division_code="510104021") == (regional,
                                                                                      RouteReason.NEW_FORMS)
    assert join_route(employment_form="courier", work_division_code="510104") == (world.industry,
                                                                                   RouteReason.NEW_FORMS)


def test_a_form_nobody_organises_there_goes_to_the_county_federation(world):
    assert join_route(employment_form="rider", work_division_code="510104") == (world.county, RouteReason.COUNTY)
    assert join_route(employment_form="courier", work_division_code="510105") == (world.sibling_county,
                                                                                   RouteReason.COUNTY)


def test_a_worker_of_no_new_form_without_an_employer_union_goes_to_the_county_federation(world):
    assert join_route(work_division_code="510104") == (world.county, RouteReason.COUNTY)


def test_a_closed_industry_union_takes_no_applications(world):
    org_close(org=world.industry, actor=None)

    assert join_route(employment_form="courier", work_division_code="510104") == (world.county,
                                                                                   RouteReason.COUNTY)


def test_a_work_place_given_as_a_city_goes_to_the_city_federation(world):
    assert join_route(work_division_code="510100") == (world.city, RouteReason.COUNTY)


def test_a_closed_employer_union_is_refused_by_name(world):
    closed = org_create(parent=world.county, name="锦江区某已撤销公司工会", kind=OrgKind.GRASSROOTS,
                        level=OrgLevel.GRASSROOTS, code="510104G9", division_code="510104", actor=None)
    closed = org_close(org=closed, actor=None)

    with pytest.raises(ValidationError) as exc_info:
        join_route(employer_org=closed, work_division_code="510104")
    assert "锦江区某已撤销公司工会" in _message(exc_info) and "已撤销" in _message(exc_info)


def test_an_employer_union_that_merged_hands_its_applications_to_the_union_it_merged_into(world):
    old = org_create(parent=world.county, name="锦江区某被合并公司工会", kind=OrgKind.GRASSROOTS,
                     level=OrgLevel.GRASSROOTS, code="510104G8", division_code="510104", actor=None)
    old = org_merge(source=old, target=world.grassroots, actor=None)

    assert join_route(employer_org=old) == (world.grassroots, RouteReason.EMPLOYER)


def test_a_federation_is_no_employer_union(world):
    with pytest.raises(ValidationError) as exc_info:
        join_route(employer_org=world.county)
    assert "不是单位的基层工会" in _message(exc_info)


@pytest.mark.parametrize("code, words", [
    ("", "请选择工作所在地"),
    ("5101x4", "行政区划代码"),
    ("510000", "市或区县"),
    ("330102", "暂无可受理入会申请的总工会"),
])
def test_a_work_place_no_union_covers_is_refused_in_chinese(world, code, words):
    with pytest.raises(ValidationError) as exc_info:
        join_route(employment_form="courier", work_division_code=code)
    assert words in _message(exc_info)


def test_a_closed_county_federation_takes_no_applications(world):
    empty = org_create(parent=world.city, name="某已撤销区总工会", kind=OrgKind.FEDERATION, level=OrgLevel.COUNTY,
                       code="510199", division_code="510199", actor=None)
    org_close(org=empty, actor=None)

    with pytest.raises(ValidationError):
        join_route(work_division_code="510199")


# --- the employer search of the join form -----------------------------------------------------------------


def test_employers_are_found_by_part_of_their_name_with_public_fields_only(world):
    rows = employer_search(query="某科技")

    assert rows == [{"id": world.grassroots.pk, "employer_name": "锦江区某科技公司", "name": "锦江区某科技公司工会",
                     "county_name": "锦江区总工会"}]


def test_employers_are_found_by_their_credit_code_typed_loosely(world):
    code = world.sibling_grassroots.uscc

    rows = employer_search(query=f" {code[:9].lower()} {code[9:]} ")
    assert [r["id"] for r in rows] == [world.sibling_grassroots.pk]
    assert rows[0]["county_name"] == "青羊区总工会"


def test_a_credit_code_with_a_wrong_check_character_is_refused(world):
    code = uscc.make("510104", 77)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    with pytest.raises(ValidationError) as exc_info:
        employer_search(query=wrong)
    assert "校验位" in " ".join(exc_info.value.messages)


def test_one_character_finds_nothing_and_federations_are_never_listed(world):
    assert employer_search(query="某") == []
    assert employer_search(query="总工会") == []
