import pytest

from gonghui.orgs import divisions


def test_a_province_is_found_by_its_full_name_its_short_name_or_its_code():
    sichuan = divisions.province("四川省")
    assert sichuan.code == "51" and sichuan.division_code == "510000"
    assert divisions.province("四川") == divisions.province("51") == divisions.province("510000") == sichuan
    assert divisions.province("广西").name == "广西壮族自治区"


@pytest.mark.parametrize("query", ["四", "火星", "5101", "99", ""])
def test_an_unknown_or_ambiguous_province_is_refused(query):
    with pytest.raises(divisions.UnknownDivision):
        divisions.province(query)


def test_the_mainland_has_31_province_level_divisions():
    assert len(divisions.provinces()) == 31


def test_sichuan_has_its_21_cities_183_counties_and_3111_townships():
    cities = divisions.cities(divisions.province("四川"))
    counties = [county for city in cities for county in divisions.counties(city)]
    townships = [t for county in counties for t in divisions.townships(county)]
    assert len(cities) == 21 and cities[0].name == "成都市" and cities[0].division_code == "510100"
    assert len(counties) == 183
    assert len(townships) == 3111
    assert not any(city.placeholder for city in cities)


def test_a_county_and_its_townships_carry_codes_that_nest():
    jinjiang = divisions.counties("5101")[0]
    assert (jinjiang.code, jinjiang.name, jinjiang.level) == ("510104", "锦江区", "county")
    townships = divisions.townships(jinjiang)
    assert townships and all(len(t.code) == 9 and t.code.startswith("510104") for t in townships)
    assert townships[0].level == "township" and townships[0].division_code == townships[0].code


def test_a_municipality_groups_its_districts_under_placeholders_named_after_itself():
    groups = divisions.cities(divisions.province("重庆"))
    assert groups and all(g.placeholder and g.name == "重庆市" for g in groups)
    assert all(g.name != "市辖区" for p in divisions.provinces() for g in divisions.cities(p))
    assert divisions.counties(groups[0])[0].name.endswith("区")


def test_counties_a_province_governs_directly_sit_in_a_placeholder_group():
    hubei = divisions.cities(divisions.province("湖北"))
    direct = [c for c in hubei if c.placeholder]
    assert [c.name for c in direct] == ["省直辖县级行政区划"]
    assert "仙桃市" in [county.name for county in divisions.counties(direct[0])]


def test_get_finds_a_division_by_the_code_an_org_stores():
    assert divisions.get("510104").name == "锦江区"
    assert divisions.get("510100").name == "成都市"
    assert divisions.get("510000").name == "四川省"
    assert divisions.get("510104017").name == "锦官驿街道"
    with pytest.raises(divisions.UnknownDivision):
        divisions.get("519999")
