"""/api/v1/me: the caller, their roles, and a worker's own membership (masked)."""
from gonghui.core.testing.personas import WORKER_ID, WORKER_PHONE


def test_a_cadre_sees_their_name_and_roles(world, api_as):
    body = api_as(world.county_cadre).get("/api/v1/me").json()
    assert body["display_name"] == "县总干部"
    assert body["is_cadre"] is True
    assert body["roles"] == [{"kind": "staff", "kind_label": "工作人员",
                              "org": {"id": world.county.pk, "name": "锦江区总工会", "kind": "federation"}}]
    assert body["member"] is None


def test_a_province_auditor_and_chair_see_each_role_they_hold(world, api_as):
    body = api_as(world.auditor).get("/api/v1/me").json()
    assert [(r["kind"], r["org"]["id"]) for r in body["roles"]] == [("auditor", world.province.pk)]


def test_a_worker_sees_their_membership_masked(world, api_as):
    response = api_as(world.worker).get("/api/v1/me")
    body = response.json()
    assert body["is_cadre"] is False and body["roles"] == []
    assert body["phone_masked"] == "138****0001"
    member = body["member"]
    assert member["id"] == world.worker_member.pk
    assert member["name"] == "张伟"
    assert member["org"] == {"id": world.grassroots.pk, "name": "锦江区某科技公司工会"}
    assert member["id_number_masked"] == WORKER_ID[:4] + "**********" + WORKER_ID[-4:]
    text = response.content.decode()
    assert WORKER_ID not in text and WORKER_PHONE not in text


def test_a_stranger_is_known_but_holds_nothing(world, api_as):
    body = api_as(world.stranger).get("/api/v1/me").json()
    assert body["username"] == "stranger"
    assert body["roles"] == [] and body["member"] is None
