"""/api/v1/members: the register in the caller's scope, found by name, initials or ID number, always masked."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core import idnumber
from gonghui.core.testing.personas import OTHER_WORKER_ID, OTHER_WORKER_PHONE, WORKER_ID, WORKER_PHONE
from gonghui.members.models import Member
from gonghui.members.services import member_register

PLAINTEXTS = [WORKER_ID, OTHER_WORKER_ID, WORKER_PHONE, OTHER_WORKER_PHONE]
PERSONAS = ["province_cadre", "city_cadre", "county_cadre", "grassroots_cadre", "other_county_cadre",
            "other_province_cadre", "auditor", "stranger", "worker", "other_worker"]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["items"]]


def test_a_county_cadre_finds_a_member_by_name(world, api_as):
    assert names(api_as(world.county_cadre).get("/api/v1/members", {"q": "张伟"})) == ["张伟"]


def test_zw_finds_zhang_wei_by_pinyin_initials(world, api_as):
    assert names(api_as(world.county_cadre).get("/api/v1/members", {"q": "zw"})) == ["张伟"]


def test_an_exact_id_number_finds_its_member(world, api_as):
    caller = api_as(world.province_cadre)
    assert names(caller.get("/api/v1/members", {"q": WORKER_ID})) == ["张伟"]
    assert names(caller.get("/api/v1/members", {"q": WORKER_ID.lower()[:14] + " " + WORKER_ID[14:]})) == ["张伟"]


def test_a_search_never_reaches_outside_the_scope(world, api_as):
    caller = api_as(world.county_cadre)
    assert names(caller.get("/api/v1/members", {"q": "李娜"})) == []
    assert names(caller.get("/api/v1/members", {"q": OTHER_WORKER_ID})) == []
    assert names(caller.get("/api/v1/members", {"q": "wf"})) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_holds_exactly_the_members_the_persona_may_see(world, api_as, persona):
    user = getattr(world, persona)
    body = api_as(user).get("/api/v1/members").json()
    expected = set(Member.objects.visible_to(user).values_list("pk", flat=True))
    assert {row["id"] for row in body["items"]} == expected
    assert body["count"] is None  # the register is not counted for a page


def test_a_worker_sees_only_their_own_record(world, api_as):
    caller = api_as(world.worker)
    assert names(caller.get("/api/v1/members")) == ["张伟"]
    assert caller.get(f"/api/v1/members/{world.worker_member.pk}").status_code == 200
    assert caller.get(f"/api/v1/members/{world.other_member.pk}").status_code == 404


def test_the_org_filter_keeps_to_its_subtree_and_404s_outside_the_scope(world, api_as):
    caller = api_as(world.city_cadre)
    assert names(caller.get("/api/v1/members", {"org": world.county.pk})) == ["张伟"]
    assert names(caller.get("/api/v1/members", {"org": world.sibling_county.pk})) == ["李娜"]
    response = api_as(world.county_cadre).get("/api/v1/members", {"org": world.sibling_county.pk})
    assert response.status_code == 404 and response.json() == {"detail": "未找到"}


def test_a_member_out_of_scope_answers_like_a_missing_one(world, api_as):
    caller = api_as(world.county_cadre)
    missing = caller.get("/api/v1/members/999999")
    for member in (world.other_member, world.other_province_member):
        response = caller.get(f"/api/v1/members/{member.pk}")
        assert response.status_code == 404
        assert response.content == missing.content


def test_the_detail_shows_numbers_masked_and_the_rest_plainly(world, api_as):
    body = api_as(world.county_cadre).get(f"/api/v1/members/{world.worker_member.pk}").json()
    assert body["id_number_masked"] == WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:]
    assert body["phone_masked"] == "138****0001"
    assert body["org"] == {"id": world.grassroots.pk, "name": "锦江区某科技公司工会"}
    assert body["gender"] == "1" and body["gender_label"] == "男"
    assert body["birth_date"] == "1990-05-17" and body["joined_on"] == "2020-06-01"
    assert body["status"] == "active" and body["status_label"] == "在册"
    assert "id_number" not in body and "phone" not in body


def test_no_response_ever_carries_a_plaintext_id_or_phone_number(world, api_as):
    bodies = []
    for persona in PERSONAS:
        caller = api_as(getattr(world, persona))
        bodies.append(caller.get("/api/v1/members").content)
        bodies.append(caller.get("/api/v1/me").content)
        for query in (WORKER_ID, OTHER_WORKER_ID, "zw", "ln", "张伟", "李娜"):
            bodies.append(caller.get("/api/v1/members", {"q": query}).content)
        for member in world.members.values():
            bodies.append(caller.get(f"/api/v1/members/{member.pk}").content)
    assert len(bodies) > 100
    for body in bodies:
        text = body.decode()
        for secret in PLAINTEXTS:
            assert secret not in text


def test_listing_many_members_costs_no_more_queries_than_listing_one(world, api_as):
    caller = api_as(world.county_cadre)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert caller.get("/api/v1/members").status_code == 200
        return len(captured)

    caller.get("/api/v1/me")  # the token's first use writes last_used_at; leave that write out of the count
    one = queries()
    for n in range(20):
        member_register(org=world.grassroots, name=f"测试{n}", id_number=idnumber.make("510104", date(1991, 1, 1), n),
                        phone=f"139000000{n:02d}", joined_on=date(2021, 1, 1), actor=None)
    many = queries()
    body = caller.get("/api/v1/members").json()
    assert len(body["items"]) == 21
    assert many == one


def test_member_search_pages_and_says_whether_more_follow(world, api_as):
    for n in range(3):
        member_register(org=world.grassroots, name=f"张测{n}", id_number=idnumber.make("510104", date(1992, 2, 2), n),
                        joined_on=date(2021, 1, 1), actor=None)
    caller = api_as(world.county_cadre)
    first = caller.get("/api/v1/members", {"q": "zc", "page_size": 2}).json()
    second = caller.get("/api/v1/members", {"q": "zc", "page_size": 2, "page": 2}).json()
    assert first["has_next"] is True and second["has_next"] is False
    assert len(first["items"]) == 2 and len(second["items"]) == 1


def test_personal_data_is_never_cached(world, api_as):
    caller = api_as(world.county_cadre)
    for url in ("/api/v1/members", f"/api/v1/members/{world.worker_member.pk}", "/api/v1/me",
                f"/api/v1/members/{world.other_member.pk}"):
        assert "no-store" in caller.get(url)["Cache-Control"]
    assert "no-store" in api_as(None).get("/api/v1/members")["Cache-Control"]
