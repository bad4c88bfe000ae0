"""/api/v1/stats: the same figures as the live count, for orgs in scope only, and dates refused in Chinese."""
from datetime import date

import pytest

from gonghui.core import idnumber
from gonghui.members.services import member_register
from gonghui.stats.selectors import live_figures, membership_rate, period_flows

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(world):
    for key, name, born, serial, form, joined in [
        ("grassroots", "王秀英", date(1996, 3, 4), 102, "", date(2024, 3, 1)),
        ("industry", "陈静", date(1999, 1, 2), 104, "rider", date(2025, 2, 1)),
        ("industry", "杨磊", date(1988, 6, 6), 105, "courier", date(2025, 4, 1)),
    ]:
        member_register(org=world.orgs[key], name=name, id_number=idnumber.make("510104", born, serial),
                        joined_on=joined, employment_form=form, actor=None)
    return world


def test_figures_of_an_org_in_scope_equal_the_live_count(api_as, demo):
    body = api_as(demo.county_cadre).get(f"/api/v1/stats/orgs/{demo.county.pk}/figures").json()
    live = live_figures(demo.county)
    assert body["figures"] == live
    assert body["org"] == {"id": demo.county.pk, "name": "锦江区总工会", "kind": "federation", "kind_label": "总工会"}
    assert body["membership_rate"] == pytest.approx(membership_rate(live))


def test_figures_as_of_a_past_date(api_as, demo):
    body = api_as(demo.county_cadre).get(f"/api/v1/stats/orgs/{demo.county.pk}/figures", {"as_of": "2024-12-31"}).json()
    assert body["as_of"] == "2024-12-31"
    assert body["figures"] == live_figures(demo.county, as_of=date(2024, 12, 31))
    assert body["figures"]["members"] == 2  # 张伟 (2020) and 王秀英 (2024); the riders joined in 2025
    # Exact to the day: 杨磊 joined on 1 April 2025, so the last day of March does not count him and that day does.
    url = f"/api/v1/stats/orgs/{demo.county.pk}/figures"
    for day, members in (("2025-03-31", 3), ("2025-04-01", 4)):
        body = api_as(demo.county_cadre).get(url, {"as_of": day}).json()
        assert (body["as_of"], body["figures"]["members"]) == (day, members)
        assert body["figures"] == live_figures(demo.county, as_of=date.fromisoformat(day))
    # A month stands for its last day.
    body = api_as(demo.county_cadre).get(url, {"as_of": "2025-02"}).json()
    assert body["as_of"] == "2025-02-28" and body["figures"]["members"] == 3


def test_flows_of_a_period(api_as, demo):
    body = api_as(demo.county_cadre).get(f"/api/v1/stats/orgs/{demo.county.pk}/flows",
                                         {"start": "2025-01-01", "end": "2025-06-30"}).json()
    assert (body["start"], body["end"]) == ("2025-01-01", "2025-06-30")
    assert body["flows"] == period_flows(demo.county, start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert body["flows"]["joined"] == 2 and body["flows"]["joined_new_forms"] == 2
    # Both days included, to the day: 陈静 joined on 1 February (before), 杨磊 on 1 April (the last day).
    body = api_as(demo.county_cadre).get(f"/api/v1/stats/orgs/{demo.county.pk}/flows",
                                         {"start": "2025-02-02", "end": "2025-04-01"}).json()
    assert (body["start"], body["end"], body["flows"]["joined"]) == ("2025-02-02", "2025-04-01", 1)


def test_trend_has_one_row_per_month_oldest_first(api_as, demo):
    body = api_as(demo.county_cadre).get(f"/api/v1/stats/orgs/{demo.county.pk}/trend",
                                         {"months": "3", "end": "2025-04-15"}).json()
    assert [m["month"] for m in body["months"]] == ["2025-02-01", "2025-03-01", "2025-04-01"]
    # Earlier months count to their ends, the last one to the end date.
    assert [m["until"] for m in body["months"]] == ["2025-02-28", "2025-03-31", "2025-04-15"]
    assert [m["flows"]["joined"] for m in body["months"]] == [1, 0, 1]
    assert [m["members"] for m in body["months"]] == [3, 3, 4]


def test_children_each_carry_their_subtrees_figures(api_as, demo):
    body = api_as(demo.county_cadre).get(f"/api/v1/stats/orgs/{demo.county.pk}/children").json()
    by_name = {item["org"]["name"]: item for item in body["items"]}
    assert set(by_name) == {"锦江区某科技公司工会", "锦江区快递行业工会联合会"}
    assert by_name["锦江区快递行业工会联合会"]["figures"] == live_figures(demo.industry)


@pytest.mark.parametrize("path", ["figures", "flows", "trend", "children"])
def test_a_county_cadre_gets_no_number_of_another_county(api_as, demo, path):
    caller = api_as(demo.county_cadre)
    for org in (demo.sibling_county, demo.sibling_grassroots, demo.city, demo.other_province):
        response = caller.get(f"/api/v1/stats/orgs/{org.pk}/{path}")
        assert response.status_code == 404 and response.json() == {"detail": "未找到"}
    assert api_as(demo.worker).get(f"/api/v1/stats/orgs/{demo.grassroots.pk}/{path}").status_code == 404
    assert api_as(None).get(f"/api/v1/stats/orgs/{demo.county.pk}/{path}").status_code == 401


@pytest.mark.parametrize("path,params,field,message", [
    ("figures", {"as_of": "2025-02-30"}, "as_of", "统计日期格式应为 YYYY-MM-DD，如 2025-12-31"),
    ("figures", {"as_of": "2999-01-01"}, "as_of", "统计日期不能晚于今天"),
    ("flows", {"start": "2025-07-01", "end": "2025-06-30"}, "start", "开始日期不能晚于结束日期"),
    ("flows", {"start": "昨天"}, "start", "开始日期格式应为 YYYY-MM-DD，如 2025-12-31"),
    ("trend", {"months": "100"}, "months", "月数应为 1 到 60 之间的整数"),
])
def test_bad_dates_are_refused_in_chinese(api_as, demo, path, params, field, message):
    response = api_as(demo.county_cadre).get(f"/api/v1/stats/orgs/{demo.county.pk}/{path}", params)
    assert response.status_code == 422
    assert response.json()["errors"][field][0].startswith(message)


def test_the_figure_registry_names_every_key_in_chinese(api_as, demo):
    body = api_as(demo.county_cadre).get("/api/v1/stats/figures").json()
    labels = {f["key"]: f["label"] for f in body}
    assert labels["members"] == "会员总数" and labels["joined"] == "新发展会员"
    assert set(live_figures(demo.county)) <= set(labels)


def test_the_stats_operations_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for name in ("figures", "flows", "trend", "children"):
        operation = paths[f"/api/v1/stats/orgs/{{org_id}}/{name}"]["get"]
        assert operation["operationId"] == f"stats_{name}" and operation["summary"]
