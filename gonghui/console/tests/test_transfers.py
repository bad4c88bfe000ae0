"""Transfers in the console: each side's queue, deciding on the receiving side only, starting one for a member."""
import pytest
from django.test import Client

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.core import uscc
from gonghui.core.testing.personas import PASSWORD, WORKER_ID, WORKER_PHONE
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining.choices import TransferSide, TransferStatus
from gonghui.joining.models import Transfer
from gonghui.joining.services import transfer_request
from gonghui.members.models import Member
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_close, org_create

pytestmark = pytest.mark.django_db
LIST = "/console/transfers/"


def detail(transfer, action: str = "") -> str:
    return f"{LIST}{transfer.pk}/" + (f"{action}/" if action else "")


def start(member) -> str:
    return f"/console/members/{member.pk}/transfer/"


def rows(response) -> list:
    return list(response.context["page"].rows)


@pytest.fixture
def asked(world):
    """张伟 asks to move from 锦江区 to 青羊区某医院工会 (the sibling county)."""
    return transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker,
                            reason="工作调动")


def as_(client, user):
    client.force_login(user)
    return client


def test_the_receiving_county_finds_the_request_waiting_with_numbers_masked(client, world, asked):
    response = as_(client, world.other_county_cadre).get(LIST)

    assert response.status_code == 200
    assert rows(response) == [asked]
    html = response.content.decode()
    assert "转入待处理" in html and "张伟" in html and WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:] in html
    assert WORKER_ID not in html and WORKER_PHONE not in html


def test_the_sending_county_sees_it_as_outgoing_and_not_as_work_to_decide(client, world, asked):
    caller = as_(client, world.county_cadre)

    assert rows(caller.get(LIST)) == []
    assert rows(caller.get(LIST, {"tab": "outgoing"})) == [asked]
    page = caller.get(detail(asked)).content.decode()
    assert "青羊区某医院工会" in page and "接收</button>" not in page and "只能由本人撤销" in page


def test_the_receiving_cadre_accepts_and_the_member_changes_sides(client, world, asked):
    caller = as_(client, world.other_county_cadre)
    page = caller.get(detail(asked)).content.decode()
    assert "接收</button>" in page and 'name="reason"' in page

    response = caller.post(detail(asked, "accept"))

    assert response.status_code == 302 and response["Location"] == detail(asked)
    assert "已接收" in caller.get(detail(asked)).content.decode()
    assert Member.objects.get(pk=world.worker_member.pk).org_id == world.sibling_grassroots.pk
    member_page = f"/console/members/{world.worker_member.pk}/"
    assert caller.get(member_page).status_code == 200
    assert as_(Client(), world.county_cadre).get(member_page).status_code == 404
    # the sending side keeps the transfer in its history
    assert rows(as_(Client(), world.county_cadre).get(LIST, {"tab": "history"})) == [asked]


@pytest.mark.parametrize("persona", ["grassroots_cadre", "county_cadre"])
def test_the_sending_side_cannot_accept_or_decline_and_nothing_changes(client, world, asked, persona):
    caller = as_(client, getattr(world, persona))
    before = fingerprint()

    assert caller.post(detail(asked, "accept")).status_code == 403
    assert caller.post(detail(asked, "decline"), {"reason": "不同意"}).status_code == 403
    assert changed_tables(before, fingerprint()) == []


@pytest.mark.parametrize("persona", ["other_province_cadre", "stranger"])
def test_a_cadre_of_neither_side_gets_404_everywhere(client, world, asked, persona):
    user = getattr(world, persona)
    if persona == "stranger":  # a cadre with a role somewhere else entirely
        role_grant(user=user, org=world.other_county, kind=RoleKind.STAFF, actor=None)
    caller = as_(client, user)
    before = fingerprint()

    for response in (caller.get(detail(asked)), caller.post(detail(asked, "accept")),
                     caller.post(detail(asked, "decline"), {"reason": "无关"}), caller.post(detail(asked, "cancel"))):
        assert response.status_code == 404
        assert "张伟" not in response.content.decode()
    assert rows(caller.get(LIST)) == rows(caller.get(LIST, {"tab": "history"})) == []
    assert changed_tables(before, fingerprint()) == []


def test_declining_without_a_reason_asks_for_one(client, world, asked):
    caller = as_(client, world.other_county_cadre)

    response = caller.post(detail(asked, "decline"), {"reason": "  "})
    assert response.status_code == 422 and "拒绝转会必须说明原因" in response.content.decode()
    assert Transfer.objects.get(pk=asked.pk).status == TransferStatus.REQUESTED

    response = caller.post(detail(asked, "decline"), {"reason": "本单位无此职工"})
    assert response.status_code == 302
    assert Transfer.objects.get(pk=asked.pk).decline_reason == "本单位无此职工"
    assert "本单位无此职工" in caller.get(detail(asked)).content.decode()


def test_a_decision_on_a_closed_transfer_is_a_message_not_an_error(client, world, asked):
    caller = as_(client, world.other_county_cadre)
    caller.post(detail(asked, "decline"), {"reason": "查无此人"})

    response = caller.post(detail(asked, "accept"), follow=True)

    assert "已拒绝，不能再接收" in response.content.decode()


def test_the_sending_union_starts_a_transfer_to_a_union_in_another_city(client, world):
    union = org_create(parent=world.sibling_city, name="绵阳某电子公司工会", kind=OrgKind.GRASSROOTS,
                       level=OrgLevel.GRASSROOTS, code="510703G1", division_code="510703",
                       uscc=uscc.make("510703", 7), actor=None)
    caller = as_(client, world.grassroots_cadre)
    assert "发起转会" in caller.get(f"/console/members/{world.worker_member.pk}/").content.decode()

    found = caller.get(start(world.worker_member), {"q": "绵阳"})
    assert found.status_code == 200
    assert [u["name"] for u in found.context["unions"]] == ["绵阳某电子公司工会"]
    assert "绵阳市总工会" in found.content.decode()  # where the union sits, so that a namesake is not chosen

    response = caller.post(start(world.worker_member), {"to_org": union.pk, "reason": "调往绵阳", "q": "绵阳"})

    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(transfer)
    assert (transfer.side, transfer.to_org, transfer.requested_by) == (TransferSide.SENDING, union,
                                                                      world.grassroots_cadre)
    again = caller.get(start(world.worker_member)).content.decode()
    assert "已有一笔转会正在办理" in again and 'name="to_org"' not in again


def test_a_closed_or_federation_target_is_refused_on_the_page(client, world):
    empty = org_create(parent=world.sibling_city, name="绵阳某已撤销工会", kind=OrgKind.GRASSROOTS,
                       level=OrgLevel.GRASSROOTS, code="510703G2", division_code="510703", actor=None)
    org_close(org=empty, actor=None)
    caller = as_(client, world.county_cadre)

    closed = caller.post(start(world.worker_member), {"to_org": empty.pk})
    federation = caller.post(start(world.worker_member), {"to_org": world.sibling_city.pk})
    missing = caller.post(start(world.worker_member), {"to_org": ""})

    assert closed.status_code == 422 and "已撤销，不能转入" in closed.content.decode()
    assert federation.status_code == 422 and "不直接吸收会员" in federation.content.decode()
    assert missing.status_code == 422 and "请选择要转入的工会" in missing.content.decode()
    assert not Transfer.objects.exists()


def test_a_member_out_of_scope_cannot_be_sent_anywhere(client, world):
    caller = as_(client, world.county_cadre)

    assert caller.get(start(world.other_member)).status_code == 404
    assert caller.post(start(world.other_member), {"to_org": world.grassroots.pk}).status_code == 404
    assert not Transfer.objects.exists()


def test_an_auditor_reads_but_cannot_start_a_transfer(client, world):
    caller = as_(client, world.auditor)

    page = caller.get(start(world.worker_member))
    assert page.status_code == 200 and "只有会员所在工会" in page.content.decode()
    assert caller.post(start(world.worker_member), {"to_org": world.sibling_grassroots.pk}).status_code == 403
    assert not Transfer.objects.exists()


def test_the_sending_cadre_cancels_its_own_request(client, world):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots,
                                actor=world.grassroots_cadre)
    caller = as_(client, world.county_cadre)
    assert "撤销转会" in caller.get(detail(transfer)).content.decode()

    assert caller.post(detail(transfer, "cancel")).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.CANCELLED


def test_a_worker_never_reaches_the_console_transfers(client, world, asked):
    caller = as_(client, world.worker)

    assert caller.get(LIST).status_code == 403
    assert caller.post(detail(asked, "cancel")).status_code == 403


def test_deciding_needs_the_pages_csrf_token(world, asked):
    caller = Client(enforce_csrf_checks=True)
    caller.force_login(world.other_county_cadre)

    assert caller.post(detail(asked, "accept")).status_code == 403
    assert Transfer.objects.get(pk=asked.pk).status == TransferStatus.REQUESTED


def test_the_navigation_leads_to_transfers(client, world):
    html = as_(client, world.county_cadre).get("/console/members/").content.decode()

    assert f'href="{LIST}"' in html and "转会" in html


def test_a_city_cadre_over_both_sides_sees_one_transfer_within_its_scope(client, world, asked):
    other = cadre_create(username="city_staff_2", password=PASSWORD, display_name="市总干部二", actor=None)
    role_grant(user=other, org=world.city, kind=RoleKind.STAFF, actor=None)
    page = as_(client, other).get(detail(asked)).content.decode()

    assert "本级范围内调动" in page and "接收</button>" in page
