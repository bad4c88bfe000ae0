"""/api/v1/orgs: scoped exactly like the console. Out of scope looks like missing; a refused write changes nothing."""
import pytest

from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org

NOT_FOUND = {"detail": "未找到"}
CADRES = ["province_cadre", "city_cadre", "county_cadre", "grassroots_cadre", "other_county_cadre",
          "other_province_cadre", "auditor", "stranger", "worker", "other_worker"]


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def all_pages(caller, url: str, params: dict | None = None) -> set[int]:
    seen, page = set(), 1
    while True:
        body = caller.get(url, {**(params or {}), "page": page, "page_size": 2}).json()
        seen |= {row["id"] for row in body["items"]}
        if not body["has_next"]:
            return seen
        page += 1


def test_a_province_cadre_lists_the_province_and_not_the_other_province(world, api_as):
    listed = all_pages(api_as(world.province_cadre), "/api/v1/orgs")
    assert world.province.pk in listed
    assert world.sibling_city.pk in listed
    assert world.other_province.pk not in listed
    assert world.other_grassroots.pk not in listed


@pytest.mark.parametrize("persona", CADRES)
def test_lists_contain_exactly_the_orgs_the_persona_may_see(world, api_as, persona):
    user = getattr(world, persona)
    expected = set(Org.objects.visible_to(user).values_list("pk", flat=True))
    assert all_pages(api_as(user), "/api/v1/orgs") == expected


def test_the_list_counts_and_pages_only_visible_rows(world, api_as):
    body = api_as(world.county_cadre).get("/api/v1/orgs", {"page_size": 2}).json()
    assert body["count"] == 3  # the county, its grassroots union and its industry union
    assert body["has_next"] is True
    assert len(body["items"]) == 2


def test_a_stranger_and_a_worker_list_no_orgs(world, api_as):
    for user in (world.stranger, world.worker):
        body = api_as(user).get("/api/v1/orgs").json()
        assert body["items"] == [] and body["count"] == 0


def test_the_list_filters_by_parent_kind_and_query(world, api_as):
    caller = api_as(world.city_cadre)
    assert ids(caller.get("/api/v1/orgs", {"parent": world.county.pk})) == {world.grassroots.pk, world.industry.pk}
    assert ids(caller.get("/api/v1/orgs", {"kind": "grassroots"})) == {world.grassroots.pk,
                                                                      world.sibling_grassroots.pk}
    assert ids(caller.get("/api/v1/orgs", {"q": "青羊"})) == {world.sibling_county.pk, world.sibling_grassroots.pk}
    assert ids(caller.get("/api/v1/orgs", {"q": world.grassroots.uscc.lower()})) == {world.grassroots.pk}
    assert ids(caller.get("/api/v1/orgs", {"q": "泰和"})) == set()


def test_filtering_by_a_parent_out_of_scope_answers_404(world, api_as):
    response = api_as(world.county_cadre).get("/api/v1/orgs", {"parent": world.sibling_county.pk})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_county_cadre_gets_404_for_the_sibling_county_and_the_parent_city(world, api_as):
    caller = api_as(world.county_cadre)
    missing = caller.get("/api/v1/orgs/999999")
    for org in (world.sibling_county, world.city, world.other_county):
        for url in (f"/api/v1/orgs/{org.pk}", f"/api/v1/orgs/{org.pk}/children"):
            response = caller.get(url)
            assert response.status_code == 404
            assert response.content == missing.content


def test_the_detail_has_the_employer_and_the_subtree_member_count(world, api_as):
    caller = api_as(world.county_cadre)
    body = caller.get(f"/api/v1/orgs/{world.grassroots.pk}").json()
    assert body["employer_name"] == "锦江区某科技公司"
    assert body["uscc"] == world.grassroots.uscc
    assert body["unit_type"] == "enterprise" and body["employee_count"] == 120
    assert body["kind_label"] == "基层工会"
    assert body["member_count"] == 1 and body["subtree_member_count"] == 1
    county = caller.get(f"/api/v1/orgs/{world.county.pk}").json()
    assert county["member_count"] == 0 and county["subtree_member_count"] == 1
    assert county["parent"] == world.city.pk


def test_children_come_with_their_subtree_counts(world, api_as):
    body = api_as(world.province_cadre).get(f"/api/v1/orgs/{world.city.pk}/children").json()
    rows = {row["org"]["id"]: row for row in body["items"]}
    assert set(rows) == {world.county.pk, world.sibling_county.pk}
    county = rows[world.county.pk]
    assert county["subtree_member_count"] == 1
    assert county["subtree_org_count"] == 2
    assert county["subtree_grassroots_count"] == 1
    assert county["has_children"] is True
    assert body["has_more"] is False


def _new_org(parent, code="510104G9", **extra) -> dict:
    return {"parent": parent.pk, "name": "锦江区某新建企业工会", "kind": "grassroots", "level": "grassroots",
            "code": code, **extra}


def test_a_county_cadre_founds_a_union_under_their_county(world, api_as):
    caller = api_as(world.county_cadre)
    events = AuditEvent.objects.count()
    response = caller.post("/api/v1/orgs", _new_org(world.county, employer_name="某公司"))
    assert response.status_code == 201, response.content
    body = response.json()
    org = Org.objects.get(pk=body["id"])
    assert org.parent_id == world.county.pk and org.employer_name == "某公司"
    assert body["subtree_member_count"] == 0
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("pk").actor_id == world.county_cadre.pk


def test_a_county_cadre_changes_an_org_in_their_county(world, api_as):
    response = api_as(world.county_cadre).patch(f"/api/v1/orgs/{world.grassroots.pk}", {"chair_name": "王主席"})
    assert response.status_code == 200, response.content
    assert response.json()["chair_name"] == "王主席"
    world.grassroots.refresh_from_db()
    assert world.grassroots.chair_name == "王主席"
    assert world.grassroots.name == "锦江区某科技公司工会"  # fields not sent stay as they were


class _Unchanged:
    """Org and audit rows counted, and the sibling county's own fields, before and after a refused write.

    Take it after the caller's token is made: making a token is itself an audited write.
    """

    def __init__(self, world):
        self.world = world
        self.before = self._state()

    def _state(self):
        sibling = Org.objects.get(pk=self.world.sibling_county.pk)
        return Org.objects.count(), AuditEvent.objects.count(), sibling.name, sibling.chair_name, sibling.updated_at

    def check(self):
        assert self._state() == self.before


def test_founding_a_union_under_a_sibling_county_answers_404_and_changes_nothing(world, api_as):
    caller = api_as(world.county_cadre)
    unchanged = _Unchanged(world)
    response = caller.post("/api/v1/orgs", _new_org(world.sibling_county))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    unchanged.check()


def test_changing_a_sibling_county_answers_404_and_changes_nothing(world, api_as):
    caller = api_as(world.county_cadre)
    unchanged = _Unchanged(world)
    response = caller.patch(f"/api/v1/orgs/{world.sibling_county.pk}", {"chair_name": "冒名"})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    unchanged.check()


def test_an_auditor_sees_the_org_but_may_not_write_403_and_nothing_changes(world, api_as):
    caller = api_as(world.auditor)
    unchanged = _Unchanged(world)
    assert caller.get(f"/api/v1/orgs/{world.sibling_county.pk}").status_code == 200
    created = caller.post("/api/v1/orgs", _new_org(world.sibling_county))
    changed = caller.patch(f"/api/v1/orgs/{world.sibling_county.pk}", {"chair_name": "冒名"})
    for response in (created, changed):
        assert response.status_code == 403
        assert response.json() == {"detail": "无权管理该工会组织"}
    unchanged.check()


@pytest.mark.parametrize("persona", ["stranger", "worker", "grassroots_cadre", "other_province_cadre"])
def test_people_without_a_role_above_the_county_cannot_change_it(world, api_as, persona):
    caller = api_as(getattr(world, persona))
    unchanged = _Unchanged(world)
    assert caller.patch(f"/api/v1/orgs/{world.sibling_county.pk}", {"name": "冒名"}).status_code == 404
    assert caller.post("/api/v1/orgs", _new_org(world.sibling_county)).status_code == 404
    unchanged.check()


def test_validation_errors_are_chinese_and_name_their_fields(world, api_as):
    orgs = Org.objects.count()
    response = api_as(world.county_cadre).post(
        "/api/v1/orgs", _new_org(world.county, code=world.grassroots.code, name="", kind="nonsense"))
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) == {"name", "kind", "code"}
    assert body["detail"] == "提交的内容有误，请按提示修改"
    for messages in body["errors"].values():
        for message in messages:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert Org.objects.count() == orgs


def test_an_invalid_credit_code_is_refused_in_chinese(world, api_as):
    response = api_as(world.county_cadre).post("/api/v1/orgs", _new_org(world.county, uscc="123"))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["uscc"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["errors"]["uscc"][0])


def test_a_malformed_request_is_refused_in_chinese(world, api_as):
    caller = api_as(world.county_cadre)
    response = caller.post("/api/v1/orgs", {"name": 3, "status": "closed"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["parent"] == ["该字段为必填项"]
    assert errors["name"] == ["请输入文本"]
    assert errors["status"] == ["不能提交或修改这个字段"]
    response = caller.patch(f"/api/v1/orgs/{world.grassroots.pk}", {"parent": world.sibling_county.pk})
    assert response.status_code == 422
    assert Org.objects.get(pk=world.grassroots.pk).parent_id == world.county.pk
    assert caller.get("/api/v1/orgs", {"page_size": 1000}).json()["errors"] == {"page_size": ["不能大于200"]}
    bad_json = caller.client.post("/api/v1/orgs", "{not json", content_type="application/json", **caller.headers)
    assert bad_json.status_code == 400
    assert bad_json.json() == {"detail": "请求内容无法解析，请提交 JSON"}


def test_founding_under_a_closed_union_gives_its_reason(world, api_as):
    Org.objects.filter(pk=world.industry.pk).update(status="closed")
    response = api_as(world.county_cadre).post("/api/v1/orgs", _new_org(world.industry))
    assert response.status_code == 422
    assert "已撤销" in response.json()["detail"]
