"""The e-member card (电子会员卡): its number, issuing and revoking, and the signed token a QR code carries.

Card number
    ``GH`` + 2-digit province code + 2-digit year of issue + sequence (8 digits, more past 99,999,999)
    + 1 check character, e.g. ``GH5126000004278`` (Sichuan, 2026, card 427, check 8).
    * province: the first two digits of the GB/T 2260 division code of the union (or of its nearest ancestor
      that has one); ``00`` when none has;
    * year: the last two digits of the year the card was issued (local time);
    * sequence: the card row's own id, zero-padded. It is unique without a counter table or a retry loop and
      cannot race: the row is inserted with a random placeholder and numbered from its id inside the same
      transaction, so nobody ever sees the placeholder;
    * check character: ISO 7064 MOD 11-2 over all the digits (the scheme of the resident ID number, so ``X``
      stands for 10). It catches every single wrong digit and every swap of two neighbours, so a typed number
      with a typo is refused before any look-up (`card_number_is_valid`).
    The database guards uniqueness (`MemberCard.number` unique; one valid card per member by a partial unique
    constraint). A new card (a transfer, a reissue) gets a new number; the old card is revoked, never reused.

Token (what the QR code holds)
    ``base64url(payload) + "." + base64url(signature)``, no padding. The payload is compact JSON::

        {"v": 1, "n": card number, "nm": masked name, "u": union name, "s": member status,
         "iat": issued (unix seconds), "exp": expires (unix seconds)}

    The signature is Ed25519 over the ASCII bytes of the encoded payload, by the private key whose 32-byte seed
    is ``settings.GONGHUI_CARD_SIGNING_KEY`` (base64). About 250 characters: a version-10 QR code that a cheap
    phone's camera reads at arm's length.

    A token lives ``TOKEN_DAYS`` (7) days from its issue. The card page signs a fresh token every time it is
    opened, so a member who opens it never holds an expired one. The short life is the price of offline
    checking: a station without network checks signature, expiry and the status written in the token, and so
    accepts a card revoked after the token was made until that token expires (at most 7 days). A verifier
    online (the API, ``gonghui card verify`` without ``--offline``) also looks the card up and refuses a
    revoked card or an ended membership at once.
"""
import base64
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.masking import mask_name
from gonghui.members.choices import MemberStatus

PREFIX = "GH"
SEQUENCE_DIGITS = 8
TOKEN_VERSION = 1
TOKEN_DAYS = 7
# Statuses under which a card is honoured: a retained member (保留会籍) keeps membership, only without dues and
# votes, so the card stays valid and shows the status; the station decides what a retained member gets.
HONOURED = frozenset({MemberStatus.ACTIVE, MemberStatus.RETAINED})


# --- the number -------------------------------------------------------------------------------------------


def check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 (pure system, radix 2): the resident ID number's check, over any number of digits."""
    p = 0
    for d in digits:
        p = ((p + int(d)) * 2) % 11
    value = (12 - p) % 11
    return "X" if value == 10 else str(value)


def card_number_make(*, province: str, year: int, sequence: int) -> str:
    digits = f"{province:0>2}"[:2] + f"{year % 100:02d}" + f"{sequence:0{SEQUENCE_DIGITS}d}"
    return PREFIX + digits + check_character(digits)


def card_number_normalize(raw: str) -> str:
    return "".join(str(raw).split()).upper()


def card_number_is_valid(raw: str) -> bool:
    """Well formed and the check character matches: a typo is refused before any look-up."""
    number = card_number_normalize(raw)
    digits, check = number[len(PREFIX):-1], number[-1:]
    return (number.startswith(PREFIX) and len(digits) >= 4 + SEQUENCE_DIGITS and digits.isdigit()
            and check_character(digits) == check)


def province_code(org) -> str:
    """The 2-digit province code of a union: its own division code, else its nearest ancestor's; "00" if none."""
    if org.division_code[:2].isdigit():
        return org.division_code[:2]
    from gonghui.orgs.models import Org

    codes = dict(Org.objects.filter(pk__in=org.ancestor_ids()).values_list("pk", "division_code"))
    for pk in reversed(org.ancestor_ids()):
        if (codes.get(pk) or "")[:2].isdigit():
            return codes[pk][:2]
    return "00"


# --- issuing and revoking (called by the member services, inside their transaction) --------------------------


def card_issue(*, member, org=None):
    """Give `member` a new card (revoking the one they hold) and set `member.card_number`; no audit of its own:
    the calling service records the change it is part of."""
    from gonghui.members.models import Member, MemberCard

    _require_transaction()
    card_revoke(member=member, reason=_("换发新卡"))
    org = org or member.org
    # The placeholder is unique and never visible: the number comes from the row's id in the same transaction.
    card = MemberCard.objects.create(member=member, number="~" + secrets.token_hex(11))
    card.number = card_number_make(province=province_code(org), year=timezone.localdate().year, sequence=card.pk)
    MemberCard.objects.filter(pk=card.pk).update(number=card.number)
    Member.objects.filter(pk=member.pk).update(card_number=card.number)
    member.card_number = card.number
    return card


def card_revoke(*, member, reason: str) -> int:
    """Revoke the member's valid card, if any; returns how many were revoked (0 or 1)."""
    from gonghui.members.models import Member, MemberCard

    _require_transaction()
    revoked = MemberCard.objects.filter(member=member, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason[:100])
    if revoked:
        Member.objects.filter(pk=member.pk).update(card_number=None)
        member.card_number = None
    return revoked


def valid_card(member):
    from gonghui.members.models import MemberCard

    return MemberCard.objects.filter(member=member, revoked_at__isnull=True).first()


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("cards are issued and revoked inside a member service's transaction")


# --- keys ---------------------------------------------------------------------------------------------------


def _private_key(seed_b64: str | None = None) -> Ed25519PrivateKey:
    seed = base64.b64decode(seed_b64 or settings.GONGHUI_CARD_SIGNING_KEY)
    if len(seed) != 32:
        raise ValueError("GONGHUI_CARD_SIGNING_KEY must be 32 bytes (base64): the Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def verifying_key() -> Ed25519PublicKey:
    return _private_key().public_key()


def public_key_pem() -> str:
    """The verifying key, for stations that check cards offline."""
    return verifying_key().public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(value) -> Ed25519PublicKey:
    """An Ed25519PublicKey as given, or read from PEM text or bytes."""
    if isinstance(value, Ed25519PublicKey):
        return value
    key = serialization.load_pem_public_key(value.encode() if isinstance(value, str) else value)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


# --- tokens -------------------------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def card_token(*, member, now: datetime | None = None) -> str:
    """A signed token of the member's valid card, for the QR code; ValueError when they hold none."""
    card = valid_card(member)
    if card is None:
        raise ValueError(_("该会员没有有效的电子会员卡"))
    now = now or timezone.now()
    iat = int(now.timestamp())
    payload = {"v": TOKEN_VERSION, "n": card.number, "nm": mask_name(member.name), "u": member.org.name,
               "s": member.status, "iat": iat, "exp": iat + TOKEN_DAYS * 86400}
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    return body + "." + _b64(_private_key().sign(body.encode("ascii")))


REASONS = {
    "ok": "有效",
    "malformed": "格式错误",
    "bad_signature": "签名无效",
    "expired": "已过期",
    "revoked": "会员卡已作废",
    "ended": "会籍已终止",
}


@dataclass(frozen=True)
class CardCheck:
    valid: bool
    reason_code: str
    message: str
    payload: dict | None = field(default=None)

    @property
    def expires_at(self) -> datetime | None:
        if not self.payload:
            return None
        return datetime.fromtimestamp(self.payload["exp"], tz=timezone.get_current_timezone())


def _check(reason: str, payload: dict | None = None) -> CardCheck:
    return CardCheck(valid=reason == "ok", reason_code=reason, message=_(REASONS[reason]), payload=payload)


def card_verify(token: str, *, public_key=None, now: datetime | None = None,
                check_revocation: bool = True) -> CardCheck:
    """Check a card token: format, signature, expiry and status (offline), then, with `check_revocation`, the
    card and the membership in the database. The payload is returned only once the signature holds."""
    try:
        body, signature = str(token).strip().split(".")
        signed = body.encode("ascii")
        raw_signature = _unb64(signature)
        raw_payload = _unb64(body)
    except (ValueError, UnicodeError):
        return _check("malformed")
    key = load_public_key(public_key) if public_key is not None else verifying_key()
    try:
        key.verify(raw_signature, signed)
    except InvalidSignature:
        return _check("bad_signature")
    try:
        payload = json.loads(raw_payload)
        number, status, exp = payload["n"], payload["s"], int(payload["exp"])
    except (ValueError, KeyError, TypeError):
        return _check("malformed")
    if payload.get("v") != TOKEN_VERSION or not card_number_is_valid(number):
        return _check("malformed")
    now = now or timezone.now()
    if now.timestamp() >= exp:
        return _check("expired", payload)
    if status not in HONOURED:
        return _check("ended", payload)
    if check_revocation:
        from gonghui.members.models import MemberCard

        card = MemberCard.objects.filter(number=number).select_related("member").first()
        if card is None or card.revoked_at is not None:
            return _check("ended" if card and card.member.status not in HONOURED else "revoked", payload)
        if card.member.status not in HONOURED:
            return _check("ended", payload)
    return _check("ok", payload)
