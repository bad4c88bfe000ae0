"""/api/v1/transfers and /api/v1/unions/search: the handshake through the API, each half in its own scope."""
import pytest

from gonghui.core.testing.personas import OTHER_WORKER_ID, WORKER_ID, WORKER_PHONE
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining.choices import TransferStatus
from gonghui.joining.models import Transfer
from gonghui.joining.services import transfer_request
from gonghui.members.models import Member
from gonghui.orgs.services import org_close

LIST, SEARCH = "/api/v1/transfers", "/api/v1/unions/search"


def url(transfer, action: str = "") -> str:
    return f"{LIST}/{transfer.pk}" + (f"/{action}" if action else "")


@pytest.fixture
def asked(world):
    """张伟 asks, on his own, to move from 锦江区某科技公司工会 to 青羊区某医院工会 in the sibling county."""
    return transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker,
                            reason="工作调动")


def test_a_worker_asks_for_a_transfer_without_naming_themself(world, api_as):
    response = api_as(world.worker).post(LIST, {"to_org": world.sibling_grassroots.pk, "reason": "工作调动"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["side"] == "member" and body["status"] == "requested" and body["status_label"] == "待接收"
    assert body["to_org"] == {"id": world.sibling_grassroots.pk, "name": "青羊区某医院工会"}
    assert body["halves"] == ["member"] and body["can_cancel"] and not body["can_accept"]
    assert body["member"]["id_number_masked"] == WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:]
    assert WORKER_ID not in response.content.decode() and WORKER_PHONE not in response.content.decode()


def test_the_sending_cadre_asks_for_a_member_in_scope_across_provinces(world, api_as):
    response = api_as(world.grassroots_cadre).post(
        LIST, {"member": world.worker_member.pk, "to_org": world.other_grassroots.pk})

    assert response.status_code == 201, response.content
    assert response.json()["side"] == "sending"
    assert response.json()["halves"] == ["sending"]


def test_a_request_for_a_member_out_of_scope_answers_like_a_missing_member(world, api_as):
    caller = api_as(world.county_cadre)
    before = fingerprint()
    response = caller.post(LIST, {"member": world.other_member.pk, "to_org": world.grassroots.pk})

    assert response.status_code == 404 and response.json() == {"detail": "未找到"}
    assert changed_tables(before, fingerprint()) == []


def test_refusals_come_back_in_chinese(world, api_as, asked):
    caller = api_as(world.grassroots_cadre)

    twice = caller.post(LIST, {"member": world.worker_member.pk, "to_org": world.industry.pk})
    assert twice.status_code == 422 and "已有一笔转会正在办理" in twice.json()["detail"]
    federation = caller.post(LIST, {"member": world.worker_member.pk, "to_org": world.county.pk})
    assert federation.status_code == 422 and "不直接吸收会员" in federation.json()["errors"]["to_org"][0]
    missing = caller.post(LIST, {"member": world.worker_member.pk, "to_org": 999999})
    assert missing.status_code == 422 and missing.json()["errors"] == {"to_org": ["请选择要转入的工会"]}
    unknown = caller.post(LIST, {"member": world.worker_member.pk, "to_org": world.industry.pk, "status": "x"})
    assert unknown.status_code == 422 and unknown.json()["errors"] == {"status": ["不能提交或修改这个字段"]}


def test_a_closed_union_is_refused_as_a_target(world, api_as):
    empty = world.orgs["sibling_grassroots"]
    Member.objects.filter(org=empty).update(org=world.sibling_county)  # leave the union empty so it may close
    empty.member_count = 0
    empty.save(update_fields=["member_count"])
    org_close(org=empty, actor=None)

    response = api_as(world.worker).post(LIST, {"to_org": empty.pk})

    assert response.status_code == 422 and "已撤销" in response.json()["errors"]["to_org"][0]


def test_the_receiving_county_accepts_and_the_member_moves_over(world, api_as, asked):
    caller = api_as(world.other_county_cadre)
    incoming = caller.get(LIST, {"direction": "incoming"}).json()
    assert [row["id"] for row in incoming["items"]] == [asked.pk]
    assert incoming["items"][0]["member"]["phone_masked"] == "138****0001"
    assert incoming["items"][0]["can_accept"] is True

    response = caller.post(url(asked, "accept"), {})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert Member.objects.get(pk=world.worker_member.pk).org_id == world.sibling_grassroots.pk
    # the old side keeps the transfer in its history but loses the member
    assert api_as(world.county_cadre).get(url(asked)).json()["status"] == "accepted"
    assert api_as(world.county_cadre).get(f"/api/v1/members/{world.worker_member.pk}").status_code == 404
    assert caller.get(f"/api/v1/members/{world.worker_member.pk}").status_code == 200


@pytest.mark.parametrize("persona", ["grassroots_cadre", "county_cadre", "worker"])
def test_the_sending_side_and_the_member_cannot_accept_or_decline(world, api_as, asked, persona):
    caller = api_as(getattr(world, persona))
    assert caller.get(url(asked)).status_code == 200
    before = fingerprint()

    accept = caller.post(url(asked, "accept"), {})
    decline = caller.post(url(asked, "decline"), {"reason": "不同意"})

    assert accept.status_code == decline.status_code == 403
    assert accept.json() == {"detail": "只有转入工会可以接收或拒绝转会"}
    assert changed_tables(before, fingerprint()) == []


@pytest.mark.parametrize("persona", ["other_province_cadre", "other_worker", "stranger"])
def test_a_caller_of_neither_side_gets_404_on_every_transfer_route(world, api_as, asked, persona):
    caller = api_as(getattr(world, persona))
    before = fingerprint()

    answers = [caller.get(url(asked)), caller.post(url(asked, "accept"), {}),
               caller.post(url(asked, "decline"), {"reason": "无关"}), caller.post(url(asked, "cancel"), {})]

    assert [a.status_code for a in answers] == [404] * 4
    assert all("张伟" not in a.content.decode() for a in answers)
    assert caller.get(LIST).json()["items"] == []
    assert changed_tables(before, fingerprint()) == []


def test_declining_needs_a_reason(world, api_as, asked):
    caller = api_as(world.other_county_cadre)

    empty = caller.post(url(asked, "decline"), {"reason": " "})
    assert empty.status_code == 422 and empty.json()["errors"] == {"reason": ["拒绝转会必须说明原因"]}
    declined = caller.post(url(asked, "decline"), {"reason": "本单位无此岗位"})
    assert declined.status_code == 200 and declined.json()["decline_reason"] == "本单位无此岗位"
    again = caller.post(url(asked, "accept"), {})
    assert again.status_code == 422 and "已拒绝" in again.json()["detail"]


def test_the_member_cancels_their_request_and_the_sending_union_cannot(world, api_as, asked):
    assert api_as(world.grassroots_cadre).post(url(asked, "cancel"), {}).status_code == 403

    response = api_as(world.worker).post(url(asked, "cancel"), {})

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Transfer.objects.get(pk=asked.pk).status == TransferStatus.CANCELLED


def test_each_direction_lists_its_own_half(world, api_as, asked):
    county = api_as(world.county_cadre)
    assert [r["id"] for r in county.get(LIST, {"direction": "outgoing"}).json()["items"]] == [asked.pk]
    assert county.get(LIST, {"direction": "incoming"}).json()["items"] == []
    assert [r["id"] for r in api_as(world.worker).get(LIST).json()["items"]] == [asked.pk]
    bad = county.get(LIST, {"direction": "sideways"})
    assert bad.status_code == 422


def test_the_receiving_side_sees_the_member_masked_and_not_the_sending_unions_register(world, api_as, asked):
    body = api_as(world.other_county_cadre).get(url(asked)).content.decode()

    assert "张伟" in body and "锦江区某科技公司工会" in body
    assert WORKER_ID not in body and WORKER_PHONE not in body
    # nothing about anyone else on the sending union's register or above it
    assert "锦江区总工会" not in body and "member_count" not in body


def test_the_sending_side_sees_the_receiving_unions_name_and_nothing_of_its_register(world, api_as, asked):
    body = api_as(world.county_cadre).get(url(asked)).content.decode()

    assert "青羊区某医院工会" in body
    assert "李娜" not in body and OTHER_WORKER_ID[-4:] not in body and "青羊区总工会" not in body


def test_the_union_search_finds_a_target_in_another_province_for_any_signed_in_caller(world, api_as):
    for persona in ("worker", "county_cadre"):
        response = api_as(getattr(world, persona)).get(SEARCH, {"q": "泰和"})
        assert response.status_code == 200
        assert response.json() == [{"id": world.other_grassroots.pk, "name": "泰和某企业工会", "kind": "grassroots",
                                    "kind_label": "基层工会", "area": "吉安市总工会 · 泰和县总工会"}]
    assert api_as(None).get(SEARCH, {"q": "泰和"}).status_code == 401


def test_the_union_search_can_leave_out_the_members_own_union(world, api_as):
    caller = api_as(world.worker)
    found = caller.get(SEARCH, {"q": "锦江区", "exclude": world.grassroots.pk}).json()

    assert [row["name"] for row in found] == ["锦江区快递行业工会联合会"]
