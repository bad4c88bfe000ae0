"""/api/v1/join: one-tap join through the API, scoped like the console, with numbers masked; Idempotency-Key."""
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.core.models import IdempotencyRecord
from gonghui.core.testing.personas import WORKER_ID
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining.models import JoinApplication
from gonghui.joining.tests.support import apply_payload, make_application
from gonghui.members.models import Member
from gonghui.orgs.models import Org

NOT_FOUND = {"detail": "未找到"}


def post(caller, url: str, data: dict, key: str | None = None):
    headers = dict(caller.headers)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return caller.client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def worker_api(world, api_as):
    return api_as(world.worker)


# --- public: notice and employers -------------------------------------------------------------------------


def test_anyone_reads_the_current_notice_and_searches_employers(world, client):
    notice = client.get("/api/v1/join/notice")
    assert notice.status_code == 200
    assert notice.json()["version"] == "1" and "公民身份号码" in notice.json()["text"]

    found = client.get("/api/v1/join/employers", {"q": "某科技"})
    assert found.status_code == 200
    assert found.json() == [{"id": world.grassroots.pk, "employer_name": "锦江区某科技公司",
                             "name": "锦江区某科技公司工会", "county_name": "锦江区总工会"}]


def test_a_mistyped_credit_code_is_answered_in_chinese(world, client):
    code = world.grassroots.uscc
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    response = client.get("/api/v1/join/employers", {"q": wrong})
    assert response.status_code == 422
    assert response.json()["errors"]["q"] == ["统一社会信用代码校验位不正确"]


def test_ping_answers_without_an_account(client):
    response = client.get("/api/v1/ping")
    assert (response.status_code, response.json()) == (200, {"ok": True})


# --- the worker's side ------------------------------------------------------------------------------------


def test_a_join_code_needs_a_signed_in_caller_and_is_sent_after_commit(world, client, worker_api, sms_outbox,
                                                                       django_capture_on_commit_callbacks):
    assert client.post("/api/v1/join/sms-code", {"phone": "13900001111"}, content_type="application/json"
                       ).status_code == 401

    with django_capture_on_commit_callbacks(execute=True):
        response = post(worker_api, "/api/v1/join/sms-code", {"phone": "13900001111"})
    assert response.status_code == 200
    assert response.json()["phone_masked"] == "139****1111"
    assert "13900001111" not in response.content.decode()
    assert sms_outbox[-1].phone == "13900001111" and "验证码" in sms_outbox[-1].text


def test_a_worker_applies_and_reads_the_answer_masked(world, worker_api):
    payload = apply_payload(world, world.county)
    payload["employment_form"] = "courier"

    response = post(worker_api, "/api/v1/join/applications", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["routed_org"] == {"id": world.industry.pk, "name": "锦江区快递行业工会联合会"}
    assert body["route_reason"] == "new_forms" and body["status"] == "pending"
    assert body["id_number_masked"] == payload["id_number"][:4] + "*" * 10 + payload["id_number"][-4:]
    text = response.content.decode()
    assert payload["id_number"] not in text and payload["phone"] not in text

    mine = worker_api.get("/api/v1/join/applications/mine").json()
    assert [a["id"] for a in mine] == [body["id"]]
    detail = worker_api.get(f"/api/v1/join/applications/{body['id']}")
    assert detail.status_code == 200 and detail.json()["due_on"] == body["due_on"]


def test_refusals_are_chinese_and_name_the_field(world, worker_api):
    payload = apply_payload(world, world.grassroots)
    payload["id_number"] = WORKER_ID

    response = post(worker_api, "/api/v1/join/applications", payload)
    assert response.status_code == 422
    assert "已是“锦江区某科技公司工会”的会员" in response.json()["errors"]["id_number"][0]

    payload["employer_org"] = 999999
    response = post(worker_api, "/api/v1/join/applications", payload)
    assert response.json()["errors"] == {"employer_org": ["所选单位工会不存在，请重新查找"]}

    response = post(worker_api, "/api/v1/join/applications", {**payload, "colour": "red"})
    assert response.status_code == 422 and "colour" in response.json()["errors"]


def test_a_worker_does_not_see_someone_elses_application(world, api_as):
    application = make_application(world, world.county)

    response = api_as(world.worker).get(f"/api/v1/join/applications/{application.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_the_applicant_withdraws_and_may_apply_again(world, worker_api, api_as):
    payload = apply_payload(world, world.county)
    first = post(worker_api, "/api/v1/join/applications", payload).json()

    # a cadre who may decide it cannot withdraw it; nothing changes
    cadre = api_as(world.county_cadre)
    before = fingerprint()
    refused = post(cadre, f"/api/v1/join/applications/{first['id']}/withdraw", {})
    assert refused.status_code == 403 and refused.json()["detail"] == "无权处理该入会申请"
    assert changed_tables(before, fingerprint()) == []

    response = post(worker_api, f"/api/v1/join/applications/{first['id']}/withdraw", {})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = post(worker_api, f"/api/v1/join/applications/{first['id']}/withdraw", {})
    assert again.status_code == 422 and "已处理" in again.json()["detail"]

    # withdrawn, the person may apply again (a new code)
    second = apply_payload(world, world.county)
    second["id_number"] = payload["id_number"]
    retry = post(worker_api, "/api/v1/join/applications", second)
    assert retry.status_code == 201, retry.content


# --- the cadre's side -------------------------------------------------------------------------------------


def test_the_queue_lists_the_cadres_applications_oldest_first(world, api_as):
    first, second = make_application(world, world.grassroots), make_application(world, world.county)
    make_application(world, world.sibling_county)

    body = api_as(world.county_cadre).get("/api/v1/join/queue").json()
    assert [item["id"] for item in body["items"]] == [first.pk, second.pk]
    assert body["items"][0]["overdue"] is False
    by_org = api_as(world.county_cadre).get("/api/v1/join/queue", {"org": world.grassroots.pk}).json()
    assert [item["id"] for item in by_org["items"]] == [first.pk]
    assert api_as(world.county_cadre).get("/api/v1/join/queue", {"org": world.sibling_county.pk}).status_code == 404


def test_a_county_cadre_approves_and_gets_the_member_masked(world, api_as):
    application = make_application(world, world.county)

    response = post(api_as(world.county_cadre), f"/api/v1/join/applications/{application.pk}/approve", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["application"]["status"] == "approved"
    member = Member.objects.get(pk=body["member"]["id"])
    assert body["member"]["id_number_masked"] == member.id_number_masked
    assert member.id_number not in response.content.decode()


def test_a_sibling_county_cadre_gets_404_and_changes_nothing(world, api_as):
    application = make_application(world, world.county)
    caller = api_as(world.other_county_cadre)
    missing = caller.get("/api/v1/join/applications/999999")
    before = fingerprint()

    assert caller.get(f"/api/v1/join/applications/{application.pk}").content == missing.content
    for url, data in ((f"/api/v1/join/applications/{application.pk}/approve", {}),
                      (f"/api/v1/join/applications/{application.pk}/reject", {"reason": "越权"})):
        response = post(caller, url, data)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert changed_tables(before, fingerprint()) == []


def test_rejecting_needs_a_reason(world, api_as):
    application = make_application(world, world.county)
    caller = api_as(world.county_cadre)

    response = post(caller, f"/api/v1/join/applications/{application.pk}/reject", {"reason": " "})
    assert response.status_code == 422 and response.json()["errors"]["reason"] == ["请填写不予批准的原因"]
    response = post(caller, f"/api/v1/join/applications/{application.pk}/reject", {"reason": "不在本区工作"})
    assert response.status_code == 200 and response.json()["reject_reason"] == "不在本区工作"


def test_bulk_approval_reports_a_foreign_id_as_not_found(world, api_as):
    own, foreign = make_application(world, world.grassroots), make_application(world, world.sibling_county)

    response = post(api_as(world.county_cadre), "/api/v1/join/approve-bulk", {"ids": [own.pk, foreign.pk]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["ok"]) for r in results] == [(own.pk, True), (foreign.pk, False)]
    assert results[1]["message"] == "未找到"
    assert JoinApplication.objects.get(pk=foreign.pk).status == "pending"


# --- Idempotency-Key --------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_nothing(world, worker_api):
    payload = apply_payload(world, world.county)
    first = post(worker_api, "/api/v1/join/applications", payload, key="apply-1")
    assert first.status_code == 201
    before = fingerprint()

    again = post(worker_api, "/api/v1/join/applications", payload, key="apply-1")
    assert (again.status_code, again.content) == (201, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert again["Cache-Control"] == "no-store, private"
    assert changed_tables(before, fingerprint()) == []
    assert JoinApplication.objects.count() == 1


def test_a_refusal_is_replayed_too(world, worker_api):
    payload = {**apply_payload(world, world.county), "sms_code": "000000"}
    first = post(worker_api, "/api/v1/join/applications", payload, key="apply-2")
    assert first.status_code == 422

    again = post(worker_api, "/api/v1/join/applications", payload, key="apply-2")
    assert (again.status_code, again.content) == (422, first.content)


def test_the_same_key_for_another_request_is_refused(world, worker_api):
    payload = apply_payload(world, world.county)
    post(worker_api, "/api/v1/join/applications", payload, key="apply-3")
    before = fingerprint()

    other = post(worker_api, "/api/v1/join/applications", {**payload, "name": "另一人"}, key="apply-3")
    assert (other.status_code, other.json()) == (422, {"detail": "该幂等键已用于另一请求"})
    elsewhere = post(worker_api, "/api/v1/join/sms-code", {"phone": "13900005555"}, key="apply-3")
    assert elsewhere.status_code == 422
    assert changed_tables(before, fingerprint()) == []


def test_keys_belong_to_their_caller(world, api_as):
    a, b = api_as(world.county_cadre), api_as(world.city_cadre)
    data = {"parent": world.county.pk, "name": "锦江区幂等测试工会", "kind": "grassroots", "level": "grassroots"}

    assert post(a, "/api/v1/orgs", {**data, "code": "IDEM-A"}, key="same").status_code == 201
    assert post(b, "/api/v1/orgs", {**data, "code": "IDEM-B"}, key="same").status_code == 201
    assert Org.objects.filter(code__startswith="IDEM-").count() == 2


def test_org_writes_honour_the_key_too(world, api_as):
    caller = api_as(world.county_cadre)
    data = {"parent": world.county.pk, "name": "锦江区幂等测试工会", "kind": "grassroots", "level": "grassroots",
            "code": "IDEM-1"}

    first = post(caller, "/api/v1/orgs", data, key="org-1")
    again = post(caller, "/api/v1/orgs", data, key="org-1")
    assert first.status_code == again.status_code == 201 and first.content == again.content
    assert Org.objects.filter(code="IDEM-1").count() == 1
    patch = caller.client.patch(f"/api/v1/orgs/{world.grassroots.pk}", json.dumps({"chair_name": "王强"}),
                                content_type="application/json", HTTP_IDEMPOTENCY_KEY="org-2", **caller.headers)
    assert patch.status_code == 200
    assert IdempotencyRecord.objects.filter(key="org-2", status_code=200).exists()


def test_a_request_still_running_under_the_key_gets_409(world, worker_api):
    from django.test import RequestFactory

    from gonghui.api.idempotency import request_hash

    payload = apply_payload(world, world.county)
    body = json.dumps(payload).encode()
    fake = RequestFactory().post("/api/v1/join/applications", body, content_type="application/json")
    IdempotencyRecord.objects.create(owner=str(world.worker.pk), key="busy", request_hash=request_hash(fake))

    response = post(worker_api, "/api/v1/join/applications", payload, key="busy")
    assert (response.status_code, response.json()) == (409, {"detail": "使用该幂等键的请求正在处理中，请稍后重试"})
    assert JoinApplication.objects.count() == 0


def test_a_server_error_releases_the_key(world, api_as, monkeypatch):
    from gonghui.joining import services

    caller = api_as(world.county_cadre)
    application = make_application(world, world.county)
    url = f"/api/v1/join/applications/{application.pk}/approve"

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "join_approve", broken)
    caller.client.raise_request_exception = False
    assert post(caller, url, {}, key="approve-1").status_code == 500
    assert not IdempotencyRecord.objects.filter(key="approve-1").exists()
    monkeypatch.undo()
    assert post(caller, url, {}, key="approve-1").status_code == 200


def test_a_key_longer_than_128_characters_is_refused(world, worker_api):
    response = post(worker_api, "/api/v1/join/sms-code", {"phone": "13900001111"}, key="k" * 129)
    assert response.status_code == 422


def test_records_older_than_a_day_are_purged(world, capsys):
    old = IdempotencyRecord.objects.create(owner="1", key="old", request_hash="x")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    IdempotencyRecord.objects.create(owner="1", key="new", request_hash="x")

    call_command("idempotency", "purge")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert "已删除1条" in capsys.readouterr().out
