"""A worker's own transfer on the portal: find a union anywhere, ask, follow the status, cancel."""
import pytest

from gonghui.accounts.services import worker_for_phone
from gonghui.core.testing.personas import WORKER_ID, WORKER_PHONE
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining.choices import TransferSide, TransferStatus
from gonghui.joining.models import Transfer
from gonghui.joining.services import transfer_decline, transfer_request

pytestmark = pytest.mark.django_db
PAGE = "/portal/transfer/"


def cancel_url(transfer) -> str:
    return f"{PAGE}{transfer.pk}/cancel/"


@pytest.fixture
def worker(client, world):
    client.force_login(world.worker)
    return client


def test_anyone_not_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302 and response["Location"].startswith("/portal/login/")


def test_a_worker_finds_a_union_in_another_county_and_asks_to_move_there(worker, world):
    found = worker.get(PAGE, {"q": "医院"})
    html = found.content.decode()
    assert found.status_code == 200
    assert "青羊区某医院工会" in html and "成都市总工会 · 青羊区总工会" in html

    response = worker.post(PAGE, {"to_org": world.sibling_grassroots.pk, "reason": "到新单位工作", "q": "医院"})

    assert response.status_code == 302 and response["Location"] == PAGE
    transfer = Transfer.objects.get()
    assert (transfer.side, transfer.status, transfer.member) == (TransferSide.MEMBER, TransferStatus.REQUESTED,
                                                                world.worker_member)
    page = worker.get(PAGE).content.decode()
    assert "正在办理的转会" in page and "待接收" in page and "撤销转会申请" in page
    assert WORKER_ID not in page and WORKER_PHONE not in page


def test_the_worker_cancels_their_request(worker, world):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker)

    response = worker.post(cancel_url(transfer))

    assert response.status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.CANCELLED
    assert "已撤销" in worker.get(PAGE).content.decode()


def test_a_transfer_the_union_started_is_shown_but_not_cancelled_by_the_worker(worker, world):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots,
                                actor=world.grassroots_cadre)
    page = worker.get(PAGE).content.decode()
    assert "转出工会发起" in page and "撤销转会申请" not in page
    before = fingerprint()

    assert worker.post(cancel_url(transfer)).status_code == 403
    assert changed_tables(before, fingerprint()) == []


def test_a_worker_cannot_touch_someone_elses_transfer(client, world):
    theirs = transfer_request(member=world.other_member, to_org=world.grassroots, actor=world.other_worker)
    client.force_login(world.worker)
    before = fingerprint()

    assert client.post(cancel_url(theirs)).status_code == 404
    assert "李娜" not in client.get(PAGE).content.decode()
    assert changed_tables(before, fingerprint()) == []


def test_a_second_request_while_one_waits_is_refused_in_chinese(worker, world):
    transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker)

    response = worker.post(PAGE, {"to_org": world.industry.pk})

    assert response.status_code == 422 and "已有一笔转会正在办理" in response.content.decode()
    assert Transfer.objects.count() == 1


def test_a_federation_is_refused_as_a_target(worker, world):
    response = worker.post(PAGE, {"to_org": world.sibling_county.pk})

    assert response.status_code == 422 and "不直接吸收会员" in response.content.decode()


def test_a_declined_request_shows_the_reason_and_a_new_one_may_be_made(worker, world):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker)
    transfer_decline(transfer=transfer, actor=world.other_county_cadre, reason="本单位无此职工")

    page = worker.get(PAGE).content.decode()

    assert "转会记录" in page and "本单位无此职工" in page and "申请转会" in page


def test_someone_who_is_not_a_member_is_told_so(client, db):
    client.force_login(worker_for_phone(phone="13900990099"))

    assert "您还不是工会会员" in client.get(PAGE).content.decode()
    response = client.post(PAGE, {"to_org": "1"})
    assert response.status_code == 422 and not Transfer.objects.exists()


def test_a_cadre_has_no_transfer_of_their_own_here(client, world):
    transfer = transfer_request(member=world.worker_member, to_org=world.sibling_grassroots, actor=world.worker)
    client.force_login(world.county_cadre)

    assert client.post(cancel_url(transfer)).status_code == 404
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.REQUESTED


def test_my_membership_page_leads_to_the_transfer_page(worker):
    assert f'href="{PAGE}"' in worker.get("/portal/me/").content.decode()
