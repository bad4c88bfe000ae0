"""Checking a card over the API (public) and the worker's card page in the portal."""
import json
from datetime import date

from django.test import Client
from django.urls import reverse

from gonghui.members.card import card_token, public_key_pem
from gonghui.members.choices import MembershipChange as K
from gonghui.members.services import membership_end


def _verify(token: str, client=None):
    client = client or Client()
    return client.post(reverse("api:card_verify"), json.dumps({"token": token}), content_type="application/json")


def test_anyone_checks_a_valid_card_and_sees_only_the_card_face(world):
    member = world.worker_member

    response = _verify(card_token(member=member))

    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["reason"], body["message"]) == (True, "ok", "有效")
    card = body["card"]
    assert (card["number"], card["name"], card["union"], card["status"], card["status_label"]) == (
        member.card_number, "张*", "锦江区某科技公司工会", "active", "在册")
    assert card["expires_at"]
    text = response.content.decode()
    assert "张伟" not in text and member.id_number not in text and member.phone not in text
    assert response["Cache-Control"].startswith("no-store")


def test_a_revoked_card_is_refused_with_the_card_face_for_the_station(world):
    token = card_token(member=world.worker_member)
    membership_end(member=world.worker_member, kind=K.WITHDRAW, reason_code="", on=date(2025, 1, 1), actor=None)

    body = _verify(token).json()

    assert (body["valid"], body["reason"], body["message"]) == (False, "ended", "会籍已终止")
    assert body["card"]["union"] == "锦江区某科技公司工会"


def test_a_forged_token_is_refused_without_a_card(world):
    body = _verify(card_token(member=world.worker_member)[:-4] + "AAAA").json()

    assert (body["valid"], body["message"], body["card"]) == (False, "签名无效", None)


def test_a_request_without_a_token_gets_a_chinese_422():
    response = Client().post(reverse("api:card_verify"), "{}", content_type="application/json")

    assert response.status_code == 422 and response.json()["errors"] == {"token": ["该字段为必填项"]}


def test_the_public_key_is_public(db):
    response = Client().get(reverse("api:card_public_key"))

    assert response.status_code == 200
    assert response.json() == {"algorithm": "Ed25519", "public_key_pem": public_key_pem()}


def test_the_verify_endpoint_is_in_the_openapi_description(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/cards/verify" in paths and "/api/v1/cards/public-key" in paths


# --- the portal page --------------------------------------------------------------------------------------


def test_a_member_sees_the_card_with_a_server_drawn_qr_code(world, client):
    client.force_login(world.worker)

    response = client.get(reverse("portal:card"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg class=\"qr\"" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert world.worker_member.card_number in html and "锦江区某科技公司工会" in html and "张*" in html
    assert "张伟" not in html and world.worker_member.id_number not in html and world.worker_member.phone not in html
    assert "会龄" in html and "2020年6月入会" in html


def test_a_worker_without_membership_is_told_in_chinese(world, client):
    from gonghui.accounts.services import worker_for_phone

    client.force_login(worker_for_phone(phone="13900990099"))

    html = client.get(reverse("portal:card")).content.decode()

    assert "您还不是工会会员" in html and "<svg class=\"qr\"" not in html


def test_a_former_member_sees_no_code(world, client):
    membership_end(member=world.worker_member, kind=K.WITHDRAW, reason_code="", on=date(2025, 1, 1), actor=None)
    client.force_login(world.worker)

    html = client.get(reverse("portal:card")).content.decode()

    assert "暂无有效的电子会员卡" in html and "已退会" in html and "<svg class=\"qr\"" not in html


def test_the_card_page_asks_a_stranger_to_sign_in(db, client):
    response = client.get(reverse("portal:card"))

    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


def test_the_home_page_and_the_bottom_bar_link_to_the_card(db, client):
    html = client.get(reverse("portal:home")).content.decode()

    assert html.count(f'href="{reverse("portal:card")}"') == 2


def test_the_drawn_qr_code_has_exactly_the_modules_of_the_token(world):
    import re

    import qrcode

    from gonghui.portal.card_views import qr_svg

    token = card_token(member=world.worker_member)
    svg = qr_svg(token)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(token)
    code.make(fit=True)
    expected = {(x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark}
    drawn = set()
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        drawn |= {(int(x) + i, int(y)) for i in range(int(width))}

    assert drawn == expected and len(svg) < 20_000
