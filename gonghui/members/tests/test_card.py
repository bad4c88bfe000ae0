"""The e-member card: its number, the signed token, revocation, and the `gonghui card` command."""
import base64
import json
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from gonghui.core import idnumber
from gonghui.members.card import (
    TOKEN_DAYS, card_number_is_valid, card_number_make, card_token, card_verify, check_character, public_key_pem,
)
from gonghui.members.choices import MembershipChange as K, MemberStatus
from gonghui.members.models import Member, MemberCard
from gonghui.members.services import member_card_reissue, membership_end, membership_transfer


def _token_parts(token: str) -> tuple[dict, str]:
    body, signature = token.split(".")
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))), signature


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- the number -------------------------------------------------------------------------------------------


def test_the_check_character_is_the_id_numbers_iso_7064_mod_11_2():
    for first17 in ("51010419900517123", "36083019850101203", "11010519491231002"):
        assert check_character(first17) == idnumber.check_digit(first17)


def test_a_card_number_is_gh_province_year_sequence_and_check():
    number = card_number_make(province="51", year=2026, sequence=427)

    assert number[:14] == "GH512600000427" and len(number) == 15
    assert card_number_is_valid(number) and card_number_is_valid(number.lower())


def test_every_single_wrong_digit_and_every_swap_of_neighbours_is_refused():
    number = card_number_make(province="36", year=2025, sequence=9_081_726)
    digits = number[2:]
    for i, d in enumerate(digits):
        for other in "0123456789X":
            if other != d and (other != "X" or i == len(digits) - 1):
                assert not card_number_is_valid("GH" + digits[:i] + other + digits[i + 1:]), (i, other)
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
            assert not card_number_is_valid("GH" + swapped), i


@pytest.mark.parametrize("raw", ["", "GH", "XX512600000427", "GH51260000042", "GH5126000004271X", "GH51A600000427"])
def test_malformed_card_numbers_are_refused(raw):
    assert not card_number_is_valid(raw)


def test_a_sequence_past_a_hundred_million_widens_the_number_and_still_checks():
    assert card_number_is_valid(card_number_make(province="51", year=2030, sequence=123_456_789))


def test_a_card_is_numbered_from_its_province_this_year_and_its_own_id(world):
    card = MemberCard.objects.get(member=world.worker_member, revoked_at__isnull=True)

    assert card.number == card_number_make(province="51", year=timezone.localdate().year, sequence=card.pk)
    other = MemberCard.objects.get(member=world.other_province_member, revoked_at__isnull=True)
    assert other.number.startswith("GH36")


def test_the_database_allows_one_valid_card_per_member(world):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        MemberCard.objects.create(member=world.worker_member, number="GH000000000000")


def test_a_reissue_revokes_the_old_card_and_numbers_a_new_one(world):
    old = world.worker_member.card_number

    member = member_card_reissue(member=world.worker_member, actor=world.grassroots_cadre)

    assert member.card_number != old and card_number_is_valid(member.card_number)
    assert MemberCard.objects.get(number=old).revoke_reason == "换发新卡"


# --- the token --------------------------------------------------------------------------------------------


def test_a_token_round_trips_with_the_card_face_only(world):
    member = world.worker_member

    token = card_token(member=member)
    check = card_verify(token)

    assert (check.valid, check.reason_code, check.message) == (True, "ok", "有效")
    assert check.payload["n"] == member.card_number
    assert (check.payload["nm"], check.payload["u"], check.payload["s"]) == ("张*", "锦江区某科技公司工会", "active")
    assert check.payload["exp"] - check.payload["iat"] == TOKEN_DAYS * 86400
    assert "张伟" not in token and member.id_number not in json.dumps(check.payload)
    assert len(token) < 300  # a QR code a cheap phone reads


def test_a_tampered_token_is_refused(world):
    token = card_token(member=world.worker_member)
    payload, signature = _token_parts(token)
    payload["s"], payload["exp"] = "active", payload["exp"] + 365 * 86400
    forged = _b64(json.dumps(payload, separators=(",", ":")).encode()) + "." + signature

    assert (card_verify(forged).valid, card_verify(forged).message) == (False, "签名无效")


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "!!!.???", "eyJ2IjoxfQ.", "." * 2])
def test_garbage_is_refused_as_malformed_or_unsigned(garbage):
    check = card_verify(garbage, check_revocation=False)

    assert not check.valid and check.reason_code in ("malformed", "bad_signature") and check.payload is None


def test_an_expired_token_is_refused(world):
    token = card_token(member=world.worker_member, now=timezone.now() - timedelta(days=TOKEN_DAYS, seconds=1))

    check = card_verify(token)

    assert (check.valid, check.message) == (False, "已过期")
    assert card_verify(token, now=timezone.now() - timedelta(days=1)).valid


def test_a_token_signed_by_another_key_is_refused(world, settings):
    settings.GONGHUI_CARD_SIGNING_KEY = base64.b64encode(b"\x07" * 32).decode()
    token = card_token(member=world.worker_member)
    settings.GONGHUI_CARD_SIGNING_KEY = base64.b64encode(b"\x08" * 32).decode()

    assert card_verify(token).message == "签名无效"


def test_a_verifier_with_a_wrong_public_key_refuses_a_good_token(world):
    token = card_token(member=world.worker_member)
    stranger = Ed25519PrivateKey.generate().public_key()

    assert card_verify(token, public_key=stranger, check_revocation=False).message == "签名无效"
    assert card_verify(token, public_key=public_key_pem(), check_revocation=False).valid


def test_ending_a_membership_revokes_the_card_online_while_offline_it_holds_until_expiry(world):
    member = world.worker_member
    token = card_token(member=member)

    membership_end(member=member, kind=K.WITHDRAW, reason_code="", on=date(2025, 1, 1), actor=None)

    assert card_verify(token).message == "会籍已终止"
    assert card_verify(token, check_revocation=False).valid  # the documented trade-off of offline checks
    assert card_verify(token, check_revocation=False, now=timezone.now() + timedelta(days=TOKEN_DAYS)).message \
        == "已过期"
    with pytest.raises(ValueError, match="没有有效的电子会员卡"):
        card_token(member=Member.objects.get(pk=member.pk))


def test_a_card_replaced_by_a_transfer_is_refused_as_revoked(world):
    token = card_token(member=world.worker_member)

    membership_transfer(member=world.worker_member, to_org=world.industry, on=date(2025, 1, 1), actor=None)

    assert card_verify(token).message == "会员卡已作废"
    assert card_verify(card_token(member=Member.objects.get(pk=world.worker_member.pk))).valid


def test_a_signed_token_of_an_ended_status_is_refused_offline(world):
    with transaction.atomic():  # a token made at the moment of ending, before the card was revoked
        Member.objects.filter(pk=world.worker_member.pk).update(status=MemberStatus.LEFT)
        token = card_token(member=Member.objects.get(pk=world.worker_member.pk))

    assert card_verify(token, check_revocation=False).message == "会籍已终止"


def test_the_public_key_verifies_what_the_private_key_signs(world):
    key = serialization.load_pem_public_key(public_key_pem().encode())
    body, signature = card_token(member=world.worker_member).split(".")

    key.verify(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), body.encode())


# --- the command ------------------------------------------------------------------------------------------


def test_the_command_says_valid_and_exits_zero(world, capsys):
    call_command("card", "verify", card_token(member=world.worker_member))

    out = capsys.readouterr().out
    assert out.startswith("有效：有效") and world.worker_member.card_number in out and "张*" in out


def test_the_command_says_invalid_with_the_reason_and_exits_one(world, capsys):
    token = card_token(member=world.worker_member)
    membership_end(member=world.worker_member, kind=K.WITHDRAW, reason_code="", on=date(2025, 1, 1), actor=None)

    with pytest.raises(SystemExit) as exited:
        call_command("card", "verify", token)

    assert exited.value.code == 1 and capsys.readouterr().out.startswith("无效：会籍已终止")


def test_the_command_checks_offline_with_an_exported_public_key(world, capsys, tmp_path):
    call_command("card", "public-key")
    pem = tmp_path / "card.pem"
    pem.write_text(capsys.readouterr().out)
    token = card_token(member=world.worker_member)
    membership_end(member=world.worker_member, kind=K.WITHDRAW, reason_code="", on=date(2025, 1, 1), actor=None)

    call_command("card", "verify", token, "--public-key", str(pem), "--offline")

    assert capsys.readouterr().out.startswith("有效")
    other = tmp_path / "other.pem"
    other.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    with pytest.raises(SystemExit):
        call_command("card", "verify", token, "--public-key", str(other), "--offline")
    assert "签名无效" in capsys.readouterr().out
